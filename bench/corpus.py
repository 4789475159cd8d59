"""A deterministic generator of realistic reply files, for tests and benchmarks at any size.

    python bench/corpus.py OUT_DIR --replies 10000 --seed 1

writes OUT_DIR/replies/<year>/<level>-<kind>-<number>.md in the front-matter format of
docs/staff-guide.md: about 1,500-character letters built from a commerce department's vocabulary,
deputies drawn from a realistic surname and given-name distribution (rare characters such as 䶮 and a
character outside the Basic Multilingual Plane included, same-name deputies in different delegations),
key classes, co-handled replies, withheld and summary-only replies.  The same seed always gives the same
files.  A few anchors make the search quality queries meaningful at every size: suggestions 1418 and
0785 of 2017, document number 湘商函〔2017〕45号, a deputy called 王䶮, Traditional and full-width text.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Surnames with their approximate share of the population (per cent), then surnames whose reading as a
# surname differs from the common one, and compound surnames.
SURNAMES = {
    "王": 7.25, "李": 7.19, "张": 6.83, "刘": 5.38, "陈": 4.53, "杨": 3.08, "黄": 2.23, "赵": 2.19,
    "吴": 2.0, "周": 1.95, "徐": 1.56, "孙": 1.53, "马": 1.29, "朱": 1.28, "胡": 1.27, "郭": 1.17,
    "何": 1.15, "高": 1.08, "林": 1.05, "罗": 0.99, "郑": 0.97, "梁": 0.92, "谢": 0.81, "宋": 0.76,
    "唐": 0.75, "许": 0.74, "韩": 0.71, "冯": 0.7, "邓": 0.69, "曹": 0.68, "彭": 0.67, "曾": 0.65,
    "肖": 0.64, "田": 0.63, "董": 0.62, "袁": 0.61, "潘": 0.6, "于": 0.59, "蒋": 0.58, "蔡": 0.57,
    "余": 0.56, "杜": 0.55, "叶": 0.54, "程": 0.53, "苏": 0.52, "魏": 0.51, "吕": 0.5, "丁": 0.49,
    "任": 0.48, "沈": 0.47, "姚": 0.46, "卢": 0.45, "姜": 0.44, "崔": 0.43, "钟": 0.42, "谭": 0.41,
    "陆": 0.4, "汪": 0.39, "范": 0.38, "金": 0.37, "石": 0.36, "廖": 0.35, "贾": 0.34, "夏": 0.33,
    "韦": 0.32, "付": 0.31, "方": 0.3, "白": 0.29, "邹": 0.28, "孟": 0.27, "熊": 0.26, "秦": 0.25,
    "邱": 0.24, "江": 0.23, "尹": 0.22, "薛": 0.21, "闫": 0.2, "段": 0.19, "雷": 0.18, "侯": 0.17,
    "龙": 0.16, "史": 0.15, "陶": 0.14, "黎": 0.13, "贺": 0.12, "顾": 0.11, "毛": 0.1, "郝": 0.1,
    "单": 0.06, "解": 0.05, "区": 0.03, "仇": 0.03, "朴": 0.02, "查": 0.03, "覃": 0.05, "缪": 0.03,
    "翟": 0.04, "乐": 0.02, "欧阳": 0.05, "司马": 0.01, "诸葛": 0.01, "上官": 0.01,
}
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 国 志 文 斌 辉 "
         "玲 红 林 波 鹏 飞 峰 宇 浩 凯 健 俊 帆 亮 宁 海 云 龙 春 生 德 成 安 东 新 利 清 雪 梅 兰 "
         "玉 珍 萍 婷 晶 琳 慧 颖 佳 欣 怡 雨 晨 阳 光 荣 福 祥 瑞 喜 萌 球 世 愚 早 小 铁 柱 金 银 "
         "胜 利 武 忠 义 礼 智 信 仁 和 顺 昌 盛 兴 旺 发 达 贵 富 宝 珠 翠 凤 鸾 鹤 松 柏 竹 菊 "
         "立 新 民 湘 楚 岳 衡 沅 澧 资 韶 麓 潇 嘉 庆 卫 红 继 承 振 邦 家 泽 润 涵 思 远 博 文 "
         "子 轩 梓 涵 一 诺 若 曦 语 桐 可 馨 俊 熙 浩 然 天 佑 皓 轩 昊 然 晓 丹 彤 蕾 薇 倩 莉").split()
# Characters that dictionary segmenters and fonts get wrong; 𠮷 lies outside the Basic Multilingual Plane.
RARE_GIVEN = ["䶮", "堃", "淼", "犇", "燚", "喆", "玥", "昇", "珺", "翀", "赟", "璟", "婕", "𠮷"]
CITIES = ["长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化",
          "娄底", "湘西州"]
SECTORS = ["经济界", "科技界", "农业界", "工商联界", "中国民主同盟", "中国民主建国会", "无党派人士", "对外友好界"]
BODIES = ["民盟省委", "民建省委", "民进省委", "农工党省委", "致公党省委", "九三学社省委", "台盟省委", "省工商联"]
CATEGORIES = {
    "口岸建设": ("口岸处", ["口岸", "通关", "查验", "国际货运", "指定口岸", "综合保税区"]),
    "对外贸易": ("对外贸易处", ["出口", "外贸", "加工贸易", "进出口", "出口退税", "国际市场"]),
    "招商引资": ("外资处", ["招商引资", "外商投资", "产业转移", "战略投资者", "投资环境", "项目落地"]),
    "电子商务": ("电子商务处", ["电子商务", "跨境电商", "网络零售", "电商平台", "快递物流", "直播带货"]),
    "商贸流通": ("市场体系建设处", ["便利店", "连锁经营", "商贸物流", "城市共同配送", "商业网点", "农贸市场"]),
    "农村流通": ("流通业发展处", ["农产品", "冷链物流", "农村电商", "县域商业", "供销网络", "产销对接"]),
    "服务贸易": ("服务贸易处", ["服务外包", "文化贸易", "技术贸易", "数字服务", "服务出口", "国际旅游"]),
    "会展经济": ("综合处", ["会展", "博览会", "展会", "参展", "展馆", "会展业"]),
    "自由贸易试验区": ("自贸试验区工作处", ["自由贸易试验区", "制度创新", "投资便利化", "贸易便利化", "片区", "改革试点"]),
    "市场监管": ("市场秩序处", ["预付卡", "成品油", "市场秩序", "诚信体系", "消费维权", "行业规范"]),
    "对外投资合作": ("对外投资和经济合作处", ["走出去", "境外投资", "对外承包工程", "一带一路", "境外园区", "劳务合作"]),
    "开放型经济": ("综合处", ["开放平台", "开放崛起", "经济技术开发区", "国际陆港", "开放通道", "营商环境"]),
    "消费促进": ("市场运行和消费促进处", ["消费券", "夜间经济", "步行街", "老字号", "消费升级", "品牌消费"]),
}
KEY_CLASSES = [
    "推动创新引领开放崛起战略实施，加快中国（湖南）自由贸易试验区创建",
    "加快发展现代物流业，降低实体经济物流成本",
    "推进农村电子商务发展，助力脱贫攻坚",
    "扩大对外开放，支持企业开拓“一带一路”市场",
    "促进消费升级，建设区域性国际消费中心",
]
# Facilities and projects are composed, as real ones are: a letter names a few, and any one of them is
# mentioned by a few per cent of the replies (a measured phrase must not be in every other letter).
INDUSTRIES = ["物流", "跨境电商", "电子商务", "农产品", "服务外包", "汽车", "家居建材", "医药", "食品",
              "电子信息", "纺织服装", "工程机械", "新材料", "文化创意", "茶叶", "有色金属", "粮油"]
FACILITY_TYPES = ["产业园", "基地", "集散中心", "示范园", "交易中心", "园区"]
FACILITIES = [i + t for i in INDUSTRIES for t in FACILITY_TYPES] + [
    "国际陆港", "综合保税区", "进口商品展示交易中心", "会展中心", "步行街", "保税物流中心", "分拨中心", "农贸市场"]
PROJECT_TYPES = ["项目", "工程", "平台", "提质改造项目", "二期工程"]
NAME_PARTS = "蓝 鲸 翠 屏 金 霞 银 湖 云 岭 青 竹 白 沙 丰 源 嘉 禾 宏 泰 鑫 隆 瑞 达 华 盛 恒 通 远 航 星 辰".split()
PLACE_SUFFIX = ["湾", "港", "谷", "洲", "坪", "冲", "塘", "岭", "桥", "湖"]
UNITS = ["省发展改革委", "省财政厅", "省交通运输厅", "省农业农村厅", "省工业和信息化厅", "长沙海关", "省市场监管局",
         "省文化和旅游厅", "省自然资源厅", "省税务局"]
AGENCIES = ["长沙海关", "湖南出入境检验检疫局", "湖南出入境边防检查总站", "省税务局", "省市场监管局", "省财政厅"]
# Text as staff paste it: Traditional names of Hong Kong and Taiwan bodies, full-width Latin and digits.
TRADITIONAL = ["香港貿易發展局", "臺灣區電機電子工業同業公會", "香港職業訓練局", "澳門貿易投資促進局"]
FOREIGN = TRADITIONAL + ["新加坡企业发展局", "德国联邦外贸与投资署", "日本贸易振兴机构", "韩国贸易投资振兴公社",
                         "英国国际贸易部", "法国商务投资署", "意大利对外贸易委员会", "荷兰企业局", "泰国投资促进委员会",
                         "越南工贸部", "马来西亚对外贸易发展局", "俄罗斯出口中心", "南非贸工部", "巴西出口投资促进局",
                         "阿联酋经济部", "中国—东盟中心", "智利出口促进局", "新西兰贸易发展局"]
FULL_WIDTH = ["ＷＴＯ规则", "Ｂ２Ｂ平台", "２０１７年版", "ＲＣＥＰ协定"]
LATIN = ["B2B", "O2O", "RCEP", "WTO", "ERP", "5G", "AEO", "RFID", "GDP", "CEPA"]

SENTENCES = [
    "我厅高度重视您提出的{topic}问题，多次组织{division}深入{city}实地调研，听取企业和基层意见。",
    "{city}{facility}是全省{topic}的重要平台，我厅已将其列入年度重点工作，在资金和政策上给予倾斜。",
    "今年以来，我厅会同{agency}等单位，推动{topic}相关工作取得积极进展，{metric}。",
    "针对您反映的{topic}中存在的{problem}等问题，我厅已商请{unit}研究具体解决办法。",
    "我厅在省级商务发展专项资金中安排资金{money}万元，支持{city}{project}建设。",
    "下一步，我厅将继续加强与{agency}的协作，推动{topic}工作再上新台阶。",
    "{company}等一批企业已在{city}落户，带动就业{jobs}人，{metric}。",
    "我厅指导{city}编制{topic}发展规划，明确发展目标、重点任务和保障措施。",
    "全省{topic}工作起步较晚，还存在{problem}等短板，需要在实践中逐步解决。",
    "我厅将积极争取商务部支持，把{city}纳入国家{topic}试点范围。",
    "我们将{topic}纳入全省开放型经济考核内容，加强督促检查，确保各项措施落到实处。",
    "据统计，{year}年全省{topic}相关企业达到{count}家，同比增长{percent}%。",
    "在{event}期间，我厅组织{count}家企业参展，现场签约项目{jobs}个，签约金额{money}万元。",
    "对于您提到的{facility}用地问题，我厅已协调{unit}按程序办理，{metric}。",
    "我厅积极对接{foreign}，推动双方在{topic}领域开展务实合作。",
    "有关企业可登录{latin}公共服务平台了解政策，办理备案手续。",
    "根据《{law}》有关规定，我厅将会同有关部门进一步规范{topic}市场秩序。",
    "您建议的{topic}补助政策，我厅已会同{unit}研究，拟在{next_year}年度预算中统筹考虑。",
    "我厅将依托{latin}等新技术，提升{topic}的信息化和智能化水平。",
    "对{city}{project}，我厅将在项目申报、资金安排、人才培训等方面继续给予支持。",
]
PROBLEMS = ["资金投入不足", "配套设施滞后", "专业人才短缺", "审批环节较多", "物流成本偏高", "市场主体偏小",
            "品牌影响力不强", "融资渠道单一", "信息化水平不高", "政策落实不到位"]
METRICS = ["进出口额同比增长明显", "企业经营成本有所下降", "通关时间压缩三分之一以上", "已有部分项目建成投产",
           "市场主体数量稳步增加", "相关指标居全国前列", "企业满意度明显提高"]
EVENTS = ["中国国际进口博览会", "中国—东盟博览会", "湘南国际物流博览会", "中非经贸博览会", "中国（湖南）国际矿物宝石博览会",
          "广交会", "港洽周"]
LAWS = ["中华人民共和国电子商务法", "单用途商业预付卡管理办法", "成品油市场管理办法", "外商投资法", "对外贸易法"]


@dataclass
class Deputy:
    name: str
    delegation: str


@dataclass
class _State:
    rng: random.Random
    numbers: dict = field(default_factory=dict)  # (level, kind, session) -> used numbers
    doc_nos: dict = field(default_factory=dict)  # year -> next document number
    pool_index: tuple | None = None  # (pool, names by delegation, delegations by name)

    def deputies_of(self, pool: list) -> tuple[dict, dict]:
        """(names of each delegation in pool order, the delegations of each name), made once per pool."""
        if self.pool_index is None or self.pool_index[0] is not pool:
            by_delegation, delegations = {}, {}
            for d in pool:
                by_delegation.setdefault(d.delegation, []).append(d.name)
                delegations.setdefault(d.name, set()).add(d.delegation)
            self.pool_index = (pool, by_delegation, delegations)
        return self.pool_index[1], self.pool_index[2]


def _weighted(rng: random.Random, table: dict):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def person_name(rng: random.Random) -> str:
    surname = _weighted(rng, SURNAMES)
    count = 1 if rng.random() < 0.3 else 2
    given = "".join(rng.choice(RARE_GIVEN) if rng.random() < 0.02 else rng.choice(GIVEN) for _ in range(count))
    return surname + given


def deputies(rng: random.Random, count: int) -> list[Deputy]:
    """A pool of deputies: names repeat across delegations as they do in a province of 60 million."""
    pool = [Deputy("王䶮", "郴州代表团"), Deputy("王建球", "郴州代表团"), Deputy("单志刚", "湘潭代表团"),
            Deputy("李伟", "长沙代表团"), Deputy("李伟", "衡阳代表团"), Deputy("曾丽娟", "郴州代表团"),
            Deputy("欧阳华", "永州代表团"), Deputy("李𠮷华", "娄底代表团")]
    seen = {(d.name, d.delegation) for d in pool}
    while len(pool) < count:
        deputy = Deputy(person_name(rng), rng.choice(CITIES) + "代表团")
        if (deputy.name, deputy.delegation) not in seen:
            seen.add((deputy.name, deputy.delegation))
            pool.append(deputy)
    return pool


def session_of(level: str, kind: str, year: int) -> str:
    numerals = "一二三四五六七八九十"
    if level == "全国":
        term, nth = (12, year - 2012) if year < 2018 else (13, year - 2017) if year < 2023 else (14, year - 2022)
        body = "全国人大" if kind == "建议" else "全国政协"
        return f"{_cn(term)}届{body}{numerals[nth - 1]}次会议"
    if kind == "建议":
        term, nth = (12, year - 2010) if year < 2018 else (13, year - 2017) if year < 2023 else (14, year - 2022)
        return f"省{_cn(term)}届人大{numerals[nth - 1]}次会议"
    term, nth = (11, year - 2012) if year < 2018 else (12, year - 2017) if year < 2023 else (13, year - 2022)
    return f"省政协{_cn(term)}届{numerals[nth - 1]}次会议"


def _cn(number: int) -> str:
    return "十" + "一二三四五六七八九"[number - 11] if number > 10 else "十"


def _proper_name(rng: random.Random) -> str:
    return rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + rng.choice(PLACE_SUFFIX)


def _fill(rng: random.Random, template: str, topic: str, division: str, city: str, year: int = 2017) -> str:
    values = {
        "topic": topic, "division": division, "city": city, "facility": rng.choice(FACILITIES),
        "agency": rng.choice(AGENCIES), "unit": rng.choice(UNITS), "problem": rng.choice(PROBLEMS),
        "metric": rng.choice(METRICS), "money": rng.randrange(50, 5000), "jobs": rng.randrange(20, 3000),
        "project": _proper_name(rng) + rng.choice(INDUSTRIES) + rng.choice(PROJECT_TYPES),
        "company": _proper_name(rng) + "实业有限公司",
        "year": rng.randrange(year - 3, year), "next_year": year + 1, "count": rng.randrange(5, 900),
        "percent": rng.randrange(2, 60),
        "event": rng.choice(EVENTS), "foreign": rng.choice(FOREIGN), "law": rng.choice(LAWS),
        "latin": rng.choice(LATIN + FULL_WIDTH),
    }
    return template.format(**values)


def letter(rng: random.Random, reply: dict, length: int) -> str:
    """The reply letter in Markdown: salutation, numbered sections, thanks, unit, date, contact, copy line."""
    category = reply["category"]
    division, topics = CATEGORIES[category]
    city = reply.get("delegation", "长沙").removesuffix("代表团")
    city = city if city in CITIES else rng.choice(CITIES)
    if reply["role"] in ("会办", "协办"):
        opening = [f"{reply['lead_unit']}：", "",
                   f"贵单位转来的{reply['session']}第{reply['number']}号{reply['kind']}《{reply['title']}》收悉。"
                   "经研究，现将我厅意见函告如下："]
    else:
        salutation = (f"{reply['lead']}：" if reply["lead"] in BODIES
                      else f"尊敬的{reply['lead']}{'代表' if reply['kind'] == '建议' else '委员'}：")
        opening = [salutation, "",
                   f"您提出的《{reply['title']}》（第{reply['number']}号）收悉。经认真研究，现答复如下："]
    lines = opening + [""]
    numerals = "一二三四五六七八"
    size = sum(len(line) for line in lines)
    section = 0
    while size < length and section < len(numerals):
        aspect = rng.choice(topics)
        sentences = [_fill(rng, rng.choice(SENTENCES), rng.choice(topics), division, city, reply["year"])
                     for _ in range(rng.randrange(3, 7))]
        paragraph = f"**{numerals[section]}、关于{aspect}。**" + "".join(sentences)
        lines += [paragraph, ""]
        size += len(paragraph)
        section += 1
    day = reply["reply_date"]
    lines += ["感谢您对商务工作的关心和支持，欢迎继续提出宝贵意见。", "", "湖南省商务厅", "",
              f"{day.year}年{day.month}月{day.day}日", "",
              f"联系单位：省商务厅{division}　联系电话：0731-8228{rng.randrange(10000):04d}", "",
              "抄送：省人大常委会选举联络人事任免工作委员会，省人民政府办公厅"]
    return "\n".join(lines) + "\n"


def _number(state: _State, level: str, kind: str, session: str, wanted: str | None = None) -> str:
    # Unique within (level, kind, session), as the format requires: the same number comes back each year
    # (the address has the year, and pelicanconf.py does not pair equal slugs as translations).  The range
    # grows with the session, so 10,000 replies a year never run out of numbers.
    used = state.numbers.setdefault((level, kind, session), set())
    if wanted and wanted not in used:
        used.add(wanted)
        return wanted
    top = max(9999 if level == "全国" else 1500, 2 * len(used))
    while True:
        number = f"{state.rng.randrange(1, top):04d}"
        if number not in used:
            used.add(number)
            return number


def reply(state: _State, year: int, pool: list[Deputy], anchor: dict | None = None) -> dict:
    rng = state.rng
    anchor = anchor or {}
    kind = anchor.get("kind") or ("提案" if rng.random() < 0.15 else "建议")
    level = anchor.get("level") or ("全国" if rng.random() < 0.08 else "省")
    session = session_of(level, kind, year)
    category = anchor.get("category") or rng.choice(list(CATEGORIES))
    division, topics = CATEGORIES[category]
    # Some deputies file many suggestions: the front of the pool is drawn more often.
    deputy = anchor.get("deputy") or pool[int(len(pool) * rng.random() ** 1.5)]
    data: dict = {}
    if kind == "提案" and rng.random() < 0.4:
        lead, delegation = rng.choice(BODIES), None
    elif kind == "提案":
        lead, delegation = deputy.name, rng.choice(SECTORS)
    else:
        lead, delegation = deputy.name, deputy.delegation
    place = rng.choice(CITIES)
    title = anchor.get("title") or rng.choice([
        f"关于支持{place}{_proper_name(rng)}{rng.choice(FACILITIES)}建设的{kind}",
        f"关于加快发展{rng.choice(topics)}的{kind}",
        f"关于进一步优化{place}{rng.choice(topics)}环境的{kind}",
        f"关于支持{place}{rng.choice(topics)}发展的{kind}",
        f"关于推动{rng.choice(topics)}与{rng.choice(topics)}融合发展的{kind}",
    ])
    role = anchor.get("role") or rng.choices(["主办", "会办", "分办", "协办"], weights=[62, 28, 5, 5])[0]
    assigned = datetime.date(year, 3, 1) + datetime.timedelta(days=rng.randrange(45))
    replied = assigned + datetime.timedelta(days=rng.randrange(30, 110))
    data.update(title=title, kind=kind, level=level, session=session, year=year,
                number=_number(state, level, kind, session, anchor.get("number")), lead=lead)
    if kind == "建议" and rng.random() < 0.35:
        by_delegation, elsewhere = state.deputies_of(pool)
        same = [name for name in by_delegation.get(delegation, []) if name != lead]
        signers = rng.sample(same, min(len(same), rng.randrange(1, 5)))
        # A co-signer whose name another delegation also has is written with the delegation.
        data["co_signers"] = [f"{n}（{delegation}）" if elsewhere[n] - {delegation} else n for n in signers]
    if delegation:
        data["delegation"] = delegation
    data["role"] = role
    if role in ("会办", "协办"):
        data["lead_unit"] = rng.choice(UNITS)
    if rng.random() < 0.3:
        data["co_units"] = rng.sample(AGENCIES, 2)
    data["division"] = division
    data["category"] = category
    if anchor.get("key_group") or (kind == "建议" and rng.random() < 0.1):
        data["key_group"] = anchor.get("key_group") or rng.choice(KEY_CLASSES)
    number = anchor.get("doc_no") or state.doc_nos.get(year, 1)
    state.doc_nos[year] = max(state.doc_nos.get(year, 1), number) + 1
    data["doc_no"] = f"湘商函〔{year}〕{number}号"
    if role in ("主办", "分办"):
        data["reply_class"] = rng.choices(["A", "B", "C", "D", "A2"], weights=[50, 33, 9, 4, 4])[0]
    data["assigned_date"] = assigned
    data["reply_date"] = replied
    data["publish_date"] = replied + datetime.timedelta(days=rng.randrange(0, 25))
    data["feedback"] = rng.choices(["满意", "基本满意", "不满意", "未反馈"], weights=[70, 20, 2, 8])[0]
    withheld = rng.random() < 0.04 and not anchor
    data["disclosure"] = rng.choice(["依申请公开", "不予公开"]) if withheld else "主动公开"
    if withheld:
        data["nondisclosure_reason"] = "涉及商业秘密，代表要求不予公开"
    if not withheld and not anchor and rng.random() < 0.02:
        data["disclosure_form"] = "摘要"
        data["summary"] = (f"关于{rng.choice(topics)}，省商务厅已会同{rng.choice(AGENCIES)}研究落实，"
                           f"下一步将支持{place}加快{rng.choice(topics)}发展。")
    data["tags"] = rng.sample(topics, 2)
    data["body"] = letter(rng, data, anchor.get("length") or rng.randrange(1300, 1750))
    return data


def _yaml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, str) and (value.isdigit() or ":" in value or value[:1] in "[{\"'&*!|>%@`#"):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)


def render(data: dict) -> str:
    """One reply file: YAML front-matter, then the letter."""
    lines = ["---"]
    for key, value in data.items():
        if key != "body":
            lines.append(f"{key}: {_yaml_value(value)}")
    lines += ["---", data["body"]]
    return "\n".join(lines)


ANCHORS = [
    {"number": "1418", "deputy": Deputy("陈喜萌", "株洲代表团"), "category": "商贸流通", "kind": "建议",
     "level": "省", "role": "主办", "title": "关于扶持和规范我省连锁便利店行业发展的建议"},
    {"number": "0785", "deputy": Deputy("单志刚", "湘潭代表团"), "category": "农村流通", "kind": "建议",
     "level": "省", "role": "会办", "title": "关于加快冷链物流发展的建议"},
    {"number": "0512", "deputy": Deputy("王建球", "郴州代表团"), "category": "口岸建设", "kind": "建议",
     "level": "省", "role": "主办", "doc_no": 45, "key_group": KEY_CLASSES[0],
     "title": "关于支持京港澳高速宜章现代国际物流产业园建设的建议"},
    {"deputy": Deputy("王䶮", "郴州代表团"), "category": "自由贸易试验区", "kind": "建议", "level": "省",
     "role": "主办", "key_group": KEY_CLASSES[0], "title": "关于推进中国（湖南）自由贸易试验区郴州片区建设的建议"},
    {"deputy": Deputy("李伟", "衡阳代表团"), "category": "服务贸易", "kind": "建议", "level": "省", "role": "主办",
     "title": "关于支持香港职业训练局与我省开展职业教育合作的建议"},
]


def generate(count: int, seed: int = 1) -> list[tuple[str, str]]:
    """`count` reply files as (path relative to the content folder, text), the same for the same seed."""
    state = _State(random.Random(seed))
    # About 1,000 replies a year up to ten years (2013-2022, the sessions session_of knows); beyond
    # 10,000 replies the years fill up, as a national archive holds about 9,000 a year.
    years = min(10, max(2, round(count / 1000)))
    first = 2017 - (years - 1) // 2
    pool = deputies(state.rng, max(12, count // 4))
    files = []
    for index in range(count):
        year = 2017 if index < len(ANCHORS) else first + index % years
        data = reply(state, year, pool, ANCHORS[index] if index < len(ANCHORS) else None)
        slug = f"{ {'全国': 'quanguo', '省': 'sheng'}[data['level']]}-{ {'建议': 'jianyi', '提案': 'tian'}[data['kind']]}"
        files.append((f"replies/{year}/{slug}-{data['number']}.md", render(data)))
    return files


INTRO = f"""---
key_group: {KEY_CLASSES[0]}
title: 自由贸易试验区创建
slug: zimaoqu
---
本类建议由省商务厅主办。生成的示例内容，用于测试和性能测量。
"""


def write(folder, count: int, seed: int = 1) -> Path:
    """Write a generated content folder (replies and one key-class introduction) and return it."""
    folder = Path(folder)
    (folder / "classes").mkdir(parents=True, exist_ok=True)
    (folder / "classes" / "zimaoqu.md").write_text(INTRO, encoding="utf-8")
    for relative, text in generate(count, seed):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="content folder to write (replies/ is created inside)")
    parser.add_argument("--replies", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write(args.folder, args.replies, args.seed)
    print(f"{args.replies} replies written to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
