/* Search in the browser over the static index of plugins/search/export.py; no server, no third party.
 *
 * The analyzer part mirrors plugins/search/analyzer.py exactly (tests compare both on tricky strings);
 * the ranking mirrors plugins/search/rank.py.  A query downloads only the shards of its grams, the
 * position chunks that can still hold a match, and the display data (and piece-code chunks) of the
 * results it shows.
 * Every piece of user input reaches the page as text nodes, never as HTML.
 */
(function () {
  'use strict';

  // ---- Analyzer: normalisation and tokenisation (see analyzer.py) ----
  var GRAM = 4;
  var WHITESPACE = '\t\n\u000b\u000c\r \u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003' +
    '\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
  var IGNORED = '\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff';
  function charClass(chars) {
    return Array.from(chars).map(function (c) {
      return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
    }).join('');
  }
  var RUNS = new RegExp('[^' + charClass(WHITESPACE) + ']+', 'g');
  var IGNORED_RE = new RegExp('[' + charClass(IGNORED) + ']', 'g');

  // t2s: a function from one character to its Simplified form (or undefined).
  function normalise(text, t2s) {
    var out = '';
    for (var ch of text.normalize('NFKC').replace(IGNORED_RE, '')) out += (t2s && t2s(ch)) || ch;
    return out.toLowerCase();
  }
  function runs(text) {
    var found = [], match;
    RUNS.lastIndex = 0;
    while ((match = RUNS.exec(text)) !== null) found.push(match);
    return found;
  }
  function terms(normalised) {
    var seen = [];
    runs(normalised).forEach(function (m) { if (seen.indexOf(m[0]) < 0) seen.push(m[0]); });
    return seen;
  }
  function grams(normalised) {  // [position in code points, gram] as analyzer.grams
    var out = [];
    runs(normalised).forEach(function (m) {
      var start = Array.from(normalised.slice(0, m.index)).length, cps = Array.from(m[0]);
      for (var i = 0; i < cps.length; i++) out.push([start + i, cps.slice(i, i + GRAM).join('')]);
    });
    return out;
  }
  function cover(term) {
    var cps = Array.from(term), last = cps.length - GRAM, offsets = [];
    for (var o = 0; o < last; o += GRAM) offsets.push(o);
    offsets.push(last);
    return offsets.map(function (o) { return [o, cps.slice(o, o + GRAM).join('')]; });
  }
  function plan(term) {
    var n = Array.from(term).length;
    if (n < GRAM) return ['prefix', term];
    if (n === GRAM) return ['gram', term];
    return ['phrase', cover(term)];
  }
  // CRC-32 of the UTF-8 bytes (export.key_hash); a key's shard is its top bits (export.shard_of).
  var CRC = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  }());
  var ENCODER = new TextEncoder();
  function keyHash(text) {
    var crc = 0xffffffff, bytes = ENCODER.encode(text);
    for (var i = 0; i < bytes.length; i++) crc = CRC[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }
  // The name of a key's own files (e/, p/): the hex of its UTF-8 bytes (export.file_name).
  function fileName(key) {
    return Array.from(ENCODER.encode(key), function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }
  function shardOf(key, count) {  // count is a power of two
    var bits = 31 - Math.clz32(count);
    return bits ? keyHash(key) >>> (32 - bits) : 0;
  }

  // ---- Fetching: every file once per page, cache-busted by the build id ----
  function Index(base, build) {
    this.base = base;
    this.build = build;
    this.files = new Map();
  }
  Index.prototype.get = function (path, type) {
    if (!this.files.has(path)) {
      var url = this.base + path + '?v=' + encodeURIComponent(this.build);
      this.files.set(path, fetch(url).then(function (response) {
        if (!response.ok) throw new Error(response.status + ' ' + url);
        return type === 'json' ? response.json() : response.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      }));
    }
    return this.files.get(path);
  };
  Index.prototype.manifest = function () { return this.get('manifest.json', 'json'); };
  function inflate(bytes) {  // the bytes of a gzip file
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // The query's Traditional -> Simplified table (export._write_t2s), loaded once.
  Index.prototype.t2s = function () {
    if (!this.table) {
      this.table = this.get('t2s.gz').then(inflate).then(function (bytes) {
        var r = new Reader(bytes), map = new Map();
        listOf(r).forEach(function (code) {
          var z = r.v();
          map.set(String.fromCodePoint(code), String.fromCodePoint(z & 1 ? code - (z + 1) / 2 : code + z / 2));
        });
        return function (ch) { return map.get(ch); };
      });
    }
    return this.table;
  };
  Index.prototype.normalise = function (text) {
    return this.t2s().then(function (t2s) { return normalise(text, t2s); });
  };

  // ---- Binary format (export.py) ----
  function Reader(bytes, at) { this.b = bytes; this.i = at || 0; }
  Reader.prototype.byte = function () { return this.b[this.i++]; };
  Reader.prototype.v = function () {
    var value = 0, shift = 0, b;
    do { b = this.b[this.i++]; value += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return value;
  };
  Reader.prototype.done = function () { return this.i >= this.b.length; };
  function listOf(r) {
    var n = r.v(), out = new Array(n), previous = -1;
    for (var k = 0; k < n; k++) { previous += r.v() + 1; out[k] = previous; }
    return out;
  }
  function docset(r, total) {
    var kind = r.byte();
    if (kind === 0) return listOf(r);
    if (kind === 1) {
      var first = r.v(), n = r.v(), out = [];
      for (var j = 0; j < n; j++) {
        var b = r.byte();
        for (var k = 0; k < 8; k++) if (b & (1 << k)) out.push(first + 8 * j + k);
      }
      return out;
    }
    var missing = new Set(listOf(r)), all = [];
    for (var d = 0; d < total; d++) if (!missing.has(d)) all.push(d);
    return all;
  }
  function headset(r, count) {
    var kind = r.byte(), flags = new Array(count).fill(kind === 1);
    if (kind === 2) {
      for (var j = 0; j < (count + 7) >> 3; j++) {
        var b = r.byte();
        for (var k = 0; k < 8; k++) if (b & (1 << k)) flags[8 * j + k] = true;
      }
    } else if (kind === 3) listOf(r).forEach(function (i) { flags[i] = true; });
    return flags;
  }
  function members(r, count, into, from) {
    for (var m = 0; m < count; m++) into[from + m] = listOf(r);
  }
  // Chunk files (export._chunks), after the tag byte 2: {first, starts: the member each chunk starts at}.
  function chunked(r, key) {
    var chunks = r.v(), starts = [0];
    for (var c = 1; c < chunks; c++) starts.push(starts[c - 1] + r.v());
    return {name: fileName(key), starts: starts};
  }
  function chunkFile(chunks, c) { return 'p/' + chunks.name + '-' + c + '.bin'; }
  // The piece codes of a shorter key (export.py: pieces): two bits for each of the `coded` members not
  // in the head, in the entry (`codes`) or, when more than `inline` bytes, in chunks of whole bytes.
  function pieces(r, key, coded, inline) {
    var size = (coded + 3) >> 2;
    if (size > inline) {
      r.byte();  // the chunked form's tag, 2
      return {chunks: chunked(r, key)};
    }
    r.i += size;
    return {codes: r.b.subarray(r.i - size, r.i)};
  }
  // Each member's index among those not in the head (its piece code's).
  function nthOf(heads) {
    var nth = new Array(heads.length), count = 0;
    heads.forEach(function (head, m) { nth[m] = count; if (!head) count++; });
    return nth;
  }
  function uncoded(heads) { return heads.filter(function (head) { return !head; }).length; }

  // An entry: {docs, heads, where: Map doc -> member index, size: its members, positions or chunks
  // (keys of GRAM characters) or pieces and nth (shorter keys)}; a split one (flag 2) has no docs,
  // heads, where or nth but `split` (Index.split).
  Index.prototype.shard = function (n) {
    var self = this;
    return this.get('g/' + n.toString(16) + '.bin').then(function (bytes) {
      var parsed = new Map(), r = new Reader(bytes), decoder = new TextDecoder();
      while (!r.done()) {
        var length = r.v(), key = decoder.decode(bytes.subarray(r.i, r.i + length));
        r.i += length;
        var at = r.i, flag = r.byte();
        parsed.set(key, {flag: flag, at: at + 1});
        if (flag === 0) self.skipBody(r, key);
      }
      return parsed;
    });
  };
  Index.prototype.skipBody = function (r, key) {
    var total = this.total;
    var docs = docset(r, total), heads = headset(r, docs.length), length = Array.from(key).length;
    if (length < GRAM) pieces(r, key, uncoded(heads), this.inlinePieces);
    if (length === GRAM) {
      var mode = r.byte();
      if (mode === 1) members(r, docs.length, [], 0);
      else chunked(r, key);
    }
  };
  // Where a key's entry is: {flag, at, shard} (flag 1: in a file of its own, 2: split), or null: not indexed.
  Index.prototype.find = function (key) {
    var self = this;
    return this.manifest().then(function (manifest) {
      self.total = manifest.docs;
      self.inlinePieces = manifest.inlinePieces;
      var n = shardOf(key, manifest.shards);
      return self.shard(n).then(function (shard) {
        var found = shard.get(key);
        if (found) found.shard = n;
        return found || null;
      });
    });
  };
  Index.prototype.load = function (key, found) {
    var self = this;
    if (!found.entry) {
      var reader = found.flag
        ? this.get('e/' + fileName(key) + '.gz').then(inflate).then(function (b) { return new Reader(b); })
        : this.get('g/' + found.shard.toString(16) + '.bin').then(function (b) { return new Reader(b, found.at); });
      found.entry = reader.then(function (r) { return found.flag === 2 ? self.split(key, r) : self.body(key, r); });
    }
    return found.entry;
  };
  // The entry with its whole reply list (a split one's segments all read).
  Index.prototype.full = function (key, found) {
    var self = this;
    return this.load(key, found).then(function (entry) { return self.whole(entry); });
  };
  Index.prototype.entry = function (key) {
    var self = this;
    return this.find(key).then(function (found) { return found && self.load(key, found); });
  };
  Index.prototype.body = function (key, r) {
    var docs = docset(r, this.total), heads = headset(r, docs.length);
    var entry = {docs: docs, heads: heads, where: new Map(), size: docs.length, nth: nthOf(heads)};
    docs.forEach(function (d, i) { entry.where.set(d, i); });
    return this.detail(key, r, entry, uncoded(heads));
  };
  // What a body holds after its lists: piece codes or positions.
  Index.prototype.detail = function (key, r, entry, coded) {
    var length = Array.from(key).length;
    if (length < GRAM) entry.pieces = pieces(r, key, coded, this.inlinePieces);
    if (length === GRAM) {
      var mode = r.byte();
      if (mode === 1) { entry.positions = new Array(entry.size); members(r, entry.size, entry.positions, 0); }
      else {
        entry.chunks = chunked(r, key);
        entry.chunks.loaded = new Array(entry.size);  // the positions of the members read so far
      }
    }
    return entry;
  };
  // A split entry (export.py: split): its reply list is in segments, read as a query needs them
  // (Index.segment).  split = {segment: replies per segment, counts and starts (first member) of each,
  // heads: the replies with the key in the head, in order, headSet, headsIn: their count per segment,
  // ready: Map segment -> Map doc -> member, of the segments read}.
  Index.prototype.split = function (key, r) {
    var segment = r.v(), count = r.v(), counts = [], starts = [], size = 0;
    for (var k = 0; k < count; k++) { starts.push(size); counts.push(r.v()); size += counts[k]; }
    var heads = docset(r, this.total), headsIn = new Array(count).fill(0);
    heads.forEach(function (d) { headsIn[Math.floor(d / segment)]++; });
    var entry = {key: key, size: size, split: {segment: segment, counts: counts, starts: starts, heads: heads,
      headSet: new Set(heads), headsIn: headsIn, ready: new Map(), loading: new Map()}};
    return this.detail(key, r, entry, size - heads.length);
  };
  // Segment k of a split entry: Map doc -> member.
  Index.prototype.segment = function (entry, k) {
    var s = entry.split, self = this;
    if (!s.loading.has(k)) {
      var start = k * s.segment, read = !s.counts[k] ? Promise.resolve(new Uint8Array([0, 0]))
        : this.get('s/' + fileName(entry.key) + '-' + k + '.gz').then(inflate);
      s.loading.set(k, read.then(function (bytes) {
        var where = new Map();
        docset(new Reader(bytes), Math.min(s.segment, self.total - start)).forEach(function (d, i) {
          where.set(start + d, s.starts[k] + i);
        });
        s.ready.set(k, where);
        return where;
      }));
    }
    return s.loading.get(k);
  };
  // An entry as a whole one: a split one's segments all read.
  Index.prototype.whole = function (entry) {
    if (!entry.split) return Promise.resolve(entry);
    if (!entry.whole) {
      var self = this, s = entry.split;
      entry.whole = Promise.all(s.counts.map(function (_, k) { return self.segment(entry, k); })).then(function (parts) {
        var whole = {docs: [], heads: [], where: new Map(), size: entry.size, pieces: entry.pieces,
          positions: entry.positions, chunks: entry.chunks};
        parts.forEach(function (where) {
          where.forEach(function (member, d) { whole.docs.push(d); whole.heads.push(s.headSet.has(d)); whole.where.set(d, member); });
        });
        whole.nth = nthOf(whole.heads);
        return whole;
      });
    }
    return entry.whole;
  };
  // The piece code of a member not in the head of a shorter key's entry: from the entry, or from the
  // one chunk that holds it (so a query reads the codes of the results it shows, not of every reply).
  Index.prototype.pieceCode = function (pieces, nth) {
    var chunks = pieces.chunks;
    function code(bytes, at) { return (bytes[at] >> 2 * (nth & 3)) & 3; }
    if (!chunks) return Promise.resolve(code(pieces.codes, nth >> 2));
    var c = upperBound(chunks.starts, nth >> 2) - 1;
    return this.get(chunkFile(chunks, c)).then(function (bytes) { return code(bytes, (nth >> 2) - chunks.starts[c]); });
  };
  // Positions of the given members of a chunked entry: fetches only the chunks that hold them.
  Index.prototype.positions = function (entry, wanted) {
    if (entry.positions) return Promise.resolve(entry.positions);
    var self = this, chunks = entry.chunks, needed = new Set();
    wanted.forEach(function (member) {
      var c = upperBound(chunks.starts, member) - 1;
      needed.add(c);
    });
    return Promise.all(Array.from(needed).map(function (c) {
      return self.get(chunkFile(chunks, c)).then(function (bytes) {
        var end = c + 1 < chunks.starts.length ? chunks.starts[c + 1] : entry.size;
        members(new Reader(bytes), end - chunks.starts[c], chunks.loaded, chunks.starts[c]);
      });
    })).then(function () { return chunks.loaded; });
  };
  function upperBound(sorted, value) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (sorted[mid] <= value) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function intersect(a, b) {
    var set = new Set(b);
    return a.filter(function (x) { return set.has(x); });
  }

  // ---- Query evaluation ----
  // Up to a page of candidates (manifest.pageSize), a phrase is checked against the replies' own text
  // rather than against positions: each candidate that matches is shown, so its result file is needed
  // anyway, and one that does not costs about as much as a position chunk.
  // Characters near the end of a letter read in part: their normalisation may depend on what follows.
  var CUT = 8;

  function gunzip(bytes) {  // the text of a gzip file (or of a plain one)
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(new TextDecoder().decode(bytes));
    return inflate(bytes).then(function (b) { return new TextDecoder().decode(b); });
  }
  // A reply's result file (export._write_docs): {t, u, n, x, d, p: what the result shows; h: head text;
  // m: [[label, value]] metadata, each label given by its number in manifest.metaLabels; c: number of
  // letter pieces (l/<id>-<k>.gz); s: the Simplified forms of the Traditional characters in all of
  // these and in the letter}.  The reply's own texts are normalised with `s`, so they need no table.
  Index.prototype.result = function (id) {
    var self = this;
    if (!this.results) this.results = new Map();
    if (!this.results.has(id)) {
      this.results.set(id, this.get('r/' + id + '.gz').then(gunzip).then(function (text) {
        var r = JSON.parse(text), map = r.s;
        r.m = r.m.map(function (pair) { return [self.metaLabels[pair[0]], pair[1]]; });
        r.t2s = function (ch) { return Object.prototype.hasOwnProperty.call(map, ch) ? map[ch] : undefined; };
        // Where the letter starts in the searchable text (head, then a line per metadata value), in
        // code points: a position past it is in the letter.
        r.letterAt = Array.from(normalise(r.h, r.t2s)).length + 1;
        r.m.forEach(function (pair) { r.letterAt += Array.from(normalise(pair[1], r.t2s)).length + 1; });
        return r;
      }));
    }
    return this.results.get(id);
  };
  // Piece k of a letter; each overlaps the next (export.letter_pieces).
  Index.prototype.piece = function (id, k) {
    return this.get('l/' + id + '-' + k + '.gz').then(gunzip);
  };

  // {ids: [...], head: Map id -> Set of terms found in the head, deputies: [...]}, ranked.
  Index.prototype.search = function (query, filters, sort) {
    var self = this;
    return this.manifest().then(function (manifest) {
      self.total = manifest.docs;
      self.shards = manifest.shards;
      self.letterPiece = manifest.letterPiece;
      self.inlinePieces = manifest.inlinePieces;
      self.metaLabels = manifest.metaLabels;
      self.textCheck = manifest.pageSize;
      return self.normalise(query).then(function (normalised) {
        var list = terms(normalised);
        if (!list.length) return {ids: [], order: [], at: 0, lazy: [], terms: [], head: new Map(), body: new Map(), deputies: []};
        return Promise.all([
          Promise.all(list.map(function (t) { return self.lookup(t); })),
          Promise.all(Object.keys(filters).map(function (name) { return self.facet(manifest, name, filters[name]); })),
          Promise.all(list.map(function (t) { return self.deputies(manifest, t); }))
        ]).then(function (loaded) {
          return self.evaluate(list, loaded[0], loaded[1], [].concat.apply([], loaded[2]), sort);
        });
      });
    });
  };
  Index.prototype.lookup = function (term) {
    var how = plan(term), self = this;
    if (how[0] !== 'phrase') return this.entry(term).then(function (entry) { return {term: term, entry: entry}; });
    // A frequent phrase has an entry of its own (export._Phrases); otherwise its grams decide: the
    // entries held in their shard now, those in files of their own (frequent grams, large) only when the
    // others leave more candidates than a text check takes (verify).
    return this.entry(term).then(function (whole) {
      if (whole) return {term: term, entry: whole};
      return Promise.all(how[1].map(function (part) { return self.find(part[1]); })).then(function (found) {
        if (found.some(function (f) { return !f; })) return {term: term, cover: how[1], entries: null};
        return Promise.all(found.map(function (f, i) {
          return f.flag === 0 ? self.load(how[1][i][1], f) : null;
        })).then(function (entries) { return {term: term, cover: how[1], found: found, entries: entries}; });
      });
    });
  };
  Index.prototype.facet = function (manifest, name, value) {
    var values = manifest.facets[name] || {};
    if (!(value in values)) return Promise.resolve([]);
    var self = this;
    return this.get('f/' + name + '/' + values[value] + '.bin').then(function (bytes) {
      return docset(new Reader(bytes), self.total);
    });
  };
  Index.prototype.deputies = function (manifest, term) {
    var ascii = /^[\x00-\x7f]*$/.test(term), length = Array.from(term).length;
    var limits = manifest.deputyKeyLengths[ascii ? 'ascii' : 'other'];
    // Longer Chinese keys (not names of people) are listed: a long phrase asks only when it is one.
    var listed = !ascii && manifest.deputyLongKeys.indexOf(term) >= 0;
    if (!listed && (length < limits[0] || length > limits[1])) return Promise.resolve([]);
    // A shorter Chinese term is a name only when it starts with a name's first character (its surname).
    if (!ascii && !listed && manifest.deputyFirsts.indexOf(Array.from(term)[0]) < 0) return Promise.resolve([]);
    var n = shardOf(term, manifest.deputyShards);
    return this.get('a/' + n.toString(16) + '.json', 'json').then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : [];
    });
  };

  // The query's results: {ids: those found so far, in order, terms, head, body, deputies, and for the
  // walk (Index.more): order: the candidates in result order, at: the next one to decide, lazy: the
  // lookups of split entries}.  A term whose entry is split does not narrow the candidates: they are
  // walked in order, and its segments read for the ones a page needs; unless every term's entry is split
  // and no filter narrows them, when the one of fewest replies is read whole.
  Index.prototype.evaluate = function (list, lookups, facets, deputies, sort) {
    var self = this, lazy = lookups.filter(function (l) { return !l.cover && l.entry && l.entry.split; });
    var ready = Promise.resolve();
    if (lazy.length && lazy.length === lookups.length && !facets.length) {
      var smallest = lazy.reduce(function (a, b) { return b.entry.size < a.entry.size ? b : a; });
      lazy.splice(lazy.indexOf(smallest), 1);
      ready = this.whole(smallest.entry).then(function (whole) { smallest.entry = whole; });
    }
    return ready.then(function () { return self.order(list, lookups, lazy, facets, deputies, sort); });
  };
  Index.prototype.order = function (list, lookups, lazy, facets, deputies, sort) {
    var self = this, candidates = null;
    var found = {ids: [], terms: list, head: new Map(), body: new Map(), lazy: lazy, at: 0};
    function keep(ids) { candidates = candidates === null ? ids.slice() : intersect(candidates, ids); }
    lookups.forEach(function (l) {
      if (lazy.indexOf(l) >= 0) return;
      if (l.cover) {
        if (!l.entries) keep([]);
        else l.entries.forEach(function (e) { if (e) keep(e.docs); });
      } else keep(l.entry ? l.entry.docs : []);
    });
    facets.forEach(keep);
    var phrases = lookups.filter(function (l) { return l.cover; });
    var checked = phrases.reduce(function (promise, l) {
      return promise.then(function () {
        if (candidates !== null && !candidates.length) return;
        l.starts = new Map();  // id -> tagged starts, where positions decided
        return self.verify(l, candidates).then(function (verified) {
          candidates = Array.from(verified.keys()).sort(function (a, b) { return a - b; });
          verified.forEach(function (isHead, id) { if (isHead) inHead(found, id, l.term); });
          l.starts.forEach(function (starts, id) { inBody(found, id, l.term, starts); });
        });
      });
    }, Promise.resolve());
    return checked.then(function () {
      lookups.forEach(function (l) {
        if (l.cover || !l.entry) return;
        var e = l.entry;
        if (e.split) {
          candidates.forEach(function (id) { if (e.split.headSet.has(id)) inHead(found, id, l.term); });
          return;
        }
        var positions = e.positions || (e.chunks && e.chunks.loaded);
        candidates.forEach(function (id) {
          var member = e.where.get(id);
          if (e.heads[member]) inHead(found, id, l.term);
          else if (positions && positions[member]) inBody(found, id, l.term, positions[member]);
          else if (e.pieces) inPiece(found, id, l.term, e.pieces, e.nth[member]);
        });
      });
      var boosted = new Set(), head = found.head;
      deputies.forEach(function (d) { d[3].forEach(function (id) { boosted.add(id); }); });
      var n = list.length;
      found.order = candidates.slice().sort(function (a, b) {
        if (sort !== 'date') {
          var ga = boosted.has(a) ? 0 : 1, gb = boosted.has(b) ? 0 : 1;
          if (ga !== gb) return ga - gb;
          var sa = n + (head.has(a) ? head.get(a).size : 0), sb = n + (head.has(b) ? head.get(b).size : 0);
          if (sa !== sb) return sb - sa;
        }
        return a - b;
      });
      if (!lazy.length) { found.ids = found.order; found.at = found.order.length; }
      var pages = new Map();
      deputies.forEach(function (d) { pages.set(d[2], d); });
      found.deputies = Array.from(pages.values());
      return found;
    });
  };
  // id -> the terms found in its head.
  function inHead(found, id, term) {
    if (!found.head.has(id)) found.head.set(id, new Set());
    found.head.get(id).add(term);
  }
  // id -> Map term -> where in the body the index told it is: {at: its first position (code points)}
  // from the positions of a gram (inline, or loaded to check a phrase) or the starts of a phrase
  // checked by positions; {pieces, nth} of a shorter key, whose piece code is read when the result is
  // shown (Index.pieceCode).  A snippet then reads the one letter piece that holds it.
  function inPiece(found, id, term, pieces, nth) {
    if (!found.body.has(id)) found.body.set(id, new Map());
    found.body.get(id).set(term, {pieces: pieces, nth: nth});
  }
  function inBody(found, id, term, tagged) {
    var first = null;
    tagged.forEach(function (t) { if ((t & 1) && (first === null || t < first)) first = t; });
    if (first === null) return;
    if (!found.body.has(id)) found.body.set(id, new Map());
    found.body.get(id).set(term, {at: first >> 1});
  }
  // Walks the candidates until `count` results are found (or all are decided): the next candidates, as
  // many as results are still wanted (each must be decided before any after it), read the segments
  // they are in of each split entry that does not have them in its head list.
  Index.prototype.more = function (found, count) {
    var self = this;
    // One walk at a time (a page of results and 精确统计 may both ask).
    found.walk = (found.walk || Promise.resolve()).then(function () { return step(); });
    return found.walk;
    function step() {
      var wanted = count - found.ids.length;
      if (wanted <= 0 || found.at >= found.order.length) return Promise.resolve(found);
      var batch = found.order.slice(found.at, found.at + wanted), reads = [];
      found.lazy.forEach(function (l) {
        var s = l.entry.split;
        batch.forEach(function (id) { if (!s.headSet.has(id)) reads.push(self.segment(l.entry, Math.floor(id / s.segment))); });
      });
      return Promise.all(reads).then(function () {
        batch.forEach(function (id) { if (self.holds(found, id)) found.ids.push(id); });
        found.at += batch.length;
        return step();
      });
    }
  };
  // Whether a candidate whose segments are read holds every split term (and where, for its snippet).
  Index.prototype.holds = function (found, id) {
    return found.lazy.every(function (l) {
      var e = l.entry, s = e.split;
      if (s.headSet.has(id)) return true;
      var member = s.ready.get(Math.floor(id / s.segment)).get(id);
      if (member === undefined) return false;
      if (e.pieces) inPiece(found, id, l.term, e.pieces, member - upperBound(s.heads, id));
      else if (e.positions) inBody(found, id, l.term, e.positions[member]);
      return true;
    });
  };
  // How many results: {n, exact}.  Until every candidate is decided or has its segments read, the
  // others count as the share of each segment's replies (not in the head list) that hold the term.
  Index.prototype.count = function (found) {
    var total = this.total, n = found.ids.length, exact = true;
    for (var i = found.at; i < found.order.length; i++) {
      var id = found.order[i], p = 1;
      for (var j = 0; j < found.lazy.length && p > 0; j++) {
        var s = found.lazy[j].entry.split, k = Math.floor(id / s.segment);
        if (s.headSet.has(id)) continue;
        var where = s.ready.get(k);
        if (where) { if (!where.has(id)) p = 0; continue; }
        exact = false;
        var size = Math.min(s.segment, total - k * s.segment) - s.headsIn[k];
        p *= size > 0 ? (s.counts[k] - s.headsIn[k]) / size : 0;
      }
      n += p;
    }
    return {n: exact ? n : Math.max(found.ids.length, Math.round(n)), exact: exact};
  };

  // Does each candidate contain the phrase, and in its head?  Map id -> in head, for the ones that do.
  // `candidates` is null when nothing has narrowed them yet (every gram of the phrase is frequent).
  Index.prototype.verify = function (lookup, candidates) {
    var self = this;
    if (candidates !== null && candidates.length <= this.textCheck) return this.verifyByText(lookup, candidates);
    return Promise.all(lookup.found.map(function (f, i) {
      return lookup.entries[i] || self.full(lookup.cover[i][1], f);
    })).then(function (entries) {
      lookup.entries = entries;
      entries.forEach(function (e) { candidates = candidates === null ? e.docs : intersect(candidates, e.docs); });
      if (candidates.length <= self.textCheck) return self.verifyByText(lookup, candidates);
      return self.verifyByPositions(lookup, candidates);
    });
  };
  Index.prototype.verifyByPositions = function (lookup, candidates) {
    var self = this, entries = lookup.entries;
    return Promise.all(entries.map(function (e) {
      return self.positions(e, candidates.map(function (id) { return e.where.get(id); }));
    })).then(function (positions) {
      var found = new Map();
      candidates.forEach(function (id) {
        var sets = entries.map(function (e, i) { return new Set(positions[i][e.where.get(id)]); });
        var first = positions[0][entries[0].where.get(id)];
        var starts = first.filter(function (t) {
          return lookup.cover.every(function (part, i) { return sets[i].has(t + 2 * part[0]); });
        });
        matched(lookup, found, id, starts);
      });
      return found;
    });
  };
  // A candidate whose phrase starts at these tagged positions (if any): found, in its head when one is.
  function matched(lookup, found, id, starts) {
    if (!starts.length) return;
    found.set(id, starts.some(function (t) { return (t & 1) === 0; }));
    lookup.starts.set(id, starts);
  }
  // Each candidate's own text, read only as far as the phrase can be: where the positions that came with
  // the shard (small entries hold theirs inline) allow it to start.
  Index.prototype.verifyByText = function (lookup, candidates) {
    var self = this, found = new Map(), length = Array.from(lookup.term).length;
    return Promise.all(candidates.map(function (id) {
      var starts = null, all = true;  // tagged positions where the phrase can start; null: anywhere
      lookup.entries.forEach(function (e, i) {
        if (!e || !e.positions) { all = false; return; }
        var offset = 2 * lookup.cover[i][0], here = new Set();
        e.positions[e.where.get(id)].forEach(function (t) { if (t >= offset) here.add(t - offset); });
        starts = starts === null ? Array.from(here) : starts.filter(function (t) { return here.has(t); });
      });
      if (all || (starts !== null && !starts.length)) {  // the positions decide
        matched(lookup, found, id, starts);
        return null;
      }
      var limit = starts === null ? Infinity : Math.max.apply(null, starts.map(function (t) { return t >> 1; })) + length;
      return self.contains(id, lookup.term, limit).then(function (where) { if (where !== null) found.set(id, where); });
    })).then(function () { return found; });
  };
  // Whether a reply's text holds a term that ends by code point `limit` of its normalised searchable
  // text (head, then metadata values and letter, a line each; a term never spans a line): true in the
  // head, false in the body, null not at all.  The letter is read piece by piece, as far as the term or
  // the limit.
  Index.prototype.contains = function (id, term, limit) {
    var self = this, size = this.letterPiece;
    return this.result(id).then(function (r) {
      var head = normalise(r.h, r.t2s);
      if (head.indexOf(term) >= 0) return true;
      var at = Array.from(head).length + 1;  // where the next line starts
      for (var i = 0; i < r.m.length; i++) {
        var value = normalise(r.m[i][1], r.t2s);
        if (value.indexOf(term) >= 0) return false;
        at += Array.from(value).length + 1;
      }
      var letter = '';
      function from(k) {
        if (k >= r.c || limit <= at) return null;
        return self.piece(id, k).then(function (text) {
          // The letter so far is normalised as the whole letter is, except perhaps near where it is cut:
          // what lies within CUT characters of the cut waits for the next piece.
          var normal = normalise(letter + text, r.t2s), found = normal.indexOf(term), last = k + 1 === r.c;
          if (found >= 0 && (last || found + term.length <= normal.length - CUT)) return false;
          if (last || limit <= at + Array.from(normal).length - CUT) return null;
          letter += Array.from(text).slice(0, size).join('');
          return from(k + 1);
        });
      }
      return from(0);
    });
  };
  // ---- Highlighting: text nodes and <mark>, never HTML ----
  // A text normalised character by character: its characters, the normalised text, and for each code
  // unit of that the character it came from.
  function byCharacter(text, t2s) {
    var chars = Array.from(text), normal = '', owner = [];
    chars.forEach(function (ch, i) {
      var n = normalise(ch, t2s);
      for (var k = 0; k < n.length; k++) owner.push(i);
      normal += n;
    });
    return {chars: chars, normal: normal, owner: owner};
  }
  function highlight(element, text, list, t2s) {
    var t = byCharacter(text, t2s), chars = t.chars, normal = t.normal, owner = t.owner;
    var marked = new Array(chars.length).fill(false);
    list.forEach(function (term) {
      var at = normal.indexOf(term);
      while (term && at >= 0) {
        for (var k = at; k < at + term.length; k++) marked[owner[k]] = true;
        at = normal.indexOf(term, at + 1);
      }
    });
    var i = 0;
    while (i < chars.length) {
      var j = i;
      while (j < chars.length && marked[j] === marked[i]) j++;
      var piece = chars.slice(i, j).join('');
      if (marked[i]) {
        var mark = document.createElement('mark');
        mark.className = 'jy-search__mark';
        mark.textContent = piece;
        element.appendChild(mark);
      } else element.appendChild(document.createTextNode(piece));
      i = j;
    }
    return element;
  }
  function window_(text, term, t2s, span) {
    var t = byCharacter(text, t2s), chars = t.chars, normal = t.normal, owner = t.owner;
    var at = normal.indexOf(term);
    if (at < 0) return null;
    var start = Math.max(0, owner[at] - span), end = Math.min(chars.length, owner[at] + term.length + span);
    return (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (end < chars.length ? '…' : '');
  }

  // ---- The page ----
  function Page(form) {
    this.form = form;
    this.results = document.getElementById('search-results');
    this.status = document.querySelector('.js-search-status');
    this.empty = document.querySelector('.js-search-empty');
    this.more = document.querySelector('.js-search-more');
    this.site = form.getAttribute('data-site');
    this.pageSize = parseInt(form.getAttribute('data-page-size'), 10) || 10;
    this.index = new Index(form.getAttribute('data-index'), form.getAttribute('data-build'));
    this.filterNames = Array.from(form.querySelectorAll('select')).map(function (s) { return s.name; });
  }
  Page.prototype.start = function () {
    var self = this;
    this.form.addEventListener('submit', function (event) {
      event.preventDefault();
      var params = self.params();
      history.pushState(null, '', '?' + params.toString());
      self.run(params);
    });
    window.addEventListener('popstate', function () { self.fill(); self.run(new URLSearchParams(location.search)); });
    this.more.addEventListener('click', function () {
      if (!self.showing) self.show(self.shown + self.pageSize, true);  // not twice for a double click
    });
    this.fill();
    var params = new URLSearchParams(location.search);
    if (params.get('q')) this.run(params);
  };
  Page.prototype.params = function () {
    var params = new URLSearchParams(), data = new FormData(this.form);
    data.forEach(function (value, name) { if (String(value).trim()) params.append(name, String(value).trim()); });
    return params;
  };
  Page.prototype.fill = function () {
    var params = new URLSearchParams(location.search), form = this.form;
    form.elements.q.value = params.get('q') || '';
    this.filterNames.forEach(function (name) { form.elements[name].value = params.get(name) || ''; });
  };
  Page.prototype.run = function (params) {
    var self = this, filters = {}, started = performance.now();
    this.filterNames.forEach(function (name) {
      if (name !== 'sort' && params.get(name)) filters[name] = params.get(name);
    });
    var serial = (this.serial = (this.serial || 0) + 1);
    this.results.setAttribute('aria-busy', 'true');
    var query = params.get('q') || '';
    return this.index.search(query, filters, params.get('sort') || 'relevance').then(function (found) {
      if (serial !== self.serial) return;
      self.query = query;
      self.found = found;
      self.shown = 0;
      self.showing = false;
      self.results.textContent = '';
      return self.show(self.pageSize, false);
    }).then(function () {
      if (serial !== self.serial) return;
      self.results.setAttribute('aria-busy', 'false');
      window.jySearchLast = {ms: performance.now() - started, ids: self.found ? self.found.ids : []};
    }).catch(function (error) {
      self.results.setAttribute('aria-busy', 'false');
      self.status.textContent = '搜索暂时无法使用，请通过下方的入口查找答复。';
      window.jySearchLast = {error: String(error)};
      if (window.console) console.error(error);
    });
  };
  // Every result of the query (the walk finished), for whoever needs them all.
  Page.prototype.all = function () {
    var self = this, found = this.found;
    return this.index.more(found, Infinity).then(function () {
      if (found === self.found) { self.renderStatus(); self.offerMore(); }
      return found.ids;
    });
  };
  // "More results" while there are results not shown, or candidates not yet walked.
  Page.prototype.offerMore = function () {
    var found = this.found;
    this.more.hidden = this.shown >= found.ids.length && found.at >= found.order.length;
  };
  Page.prototype.renderStatus = function () {
    var self = this, found = this.found, status = this.status, count = this.index.count(found);
    // Said again (the region is live) only when it changes: "more results" seldom changes it.
    var said = [found, count.n, count.exact];
    if (this.said && this.said.every(function (x, i) { return x === said[i]; })) return;
    this.said = said;
    status.textContent = '';
    this.results.setAttribute('data-count', String(count.n));
    this.results.setAttribute('data-exact', String(count.exact));
    if (!found.terms.length) { status.textContent = '请输入要查找的内容。'; this.empty.hidden = true; return; }
    var line = document.createElement('p');
    line.className = 'jy-search__count';
    line.appendChild(document.createTextNode('“'));
    line.appendChild(document.createTextNode(this.query));
    // Until the walk has read every segment it needs, the count is an estimate, rounded as one.
    var text = '”没有找到答复。';
    if (count.n && count.exact) text = '”共找到 ' + count.n + ' 件答复。';
    else if (count.n) text = '”约有 ' + (count.n < 100 ? count.n : Number(count.n.toPrecision(2))) + ' 件答复。';
    line.appendChild(document.createTextNode(text));
    if (!count.exact) {
      var exact = document.createElement('button');
      exact.type = 'button';
      exact.className = 'jy-button jy-button--secondary jy-search__exact';
      exact.textContent = '精确统计';
      exact.addEventListener('click', function () {
        exact.disabled = true;
        exact.textContent = '正在统计…';
        var found = self.found;
        self.all().then(function () {
          if (found !== self.found) return;
          var counted = status.querySelector('.jy-search__count');
          counted.tabIndex = -1;  // the button it replaces had the focus
          counted.focus();
        });
      });
      line.appendChild(document.createTextNode(' '));
      line.appendChild(exact);
    }
    status.appendChild(line);
    var site = this.site;
    found.deputies.forEach(function (d) {
      var p = document.createElement('p'), a = document.createElement('a');
      p.className = 'jy-search__deputy';
      p.appendChild(document.createTextNode('代表页：'));
      a.href = site + d[2];
      a.textContent = d[0] + (d[1] ? '（' + d[1] + '）' : '');
      p.appendChild(a);
      p.appendChild(document.createTextNode('，其领衔和附议的建议排在最前。'));
      status.appendChild(p);
    });
    this.empty.hidden = found.ids.length > 0;
  };
  // Appends the results up to `count`; after "more results", focus moves to the first new one.
  // A query of a split entry finds them as it goes (Index.more); the count follows.
  Page.prototype.show = function (count, focus) {
    var self = this, found = this.found;
    this.showing = true;
    return this.index.more(found, count).then(function () {
      var ids = found.ids.slice(self.shown, count);
      return Promise.all(ids.map(function (id) { return self.item(id); }));
    }).then(function (items) {
      if (found !== self.found) return;
      self.showing = false;
      items.forEach(function (li) { self.results.appendChild(li); });
      self.shown += items.length;
      self.offerMore();
      self.renderStatus();
      if (focus && items.length) items[0].querySelector('a').focus();
    });
  };
  // A result costs its result file when its terms are in its head or metadata; a snippet from the
  // letter costs the piece holding the term (and the chunk of piece codes that tells it, for a shorter
  // term of many replies), or the pieces up to it when the index did not tell where it is.
  Page.prototype.item = function (id) {
    var self = this, head = this.found.head.get(id) || new Set(), body = this.found.body.get(id) || new Map();
    var missing = this.found.terms.filter(function (t) { return !head.has(t); });
    var known = missing.filter(function (t) { return body.has(t); }).map(function (t) { return body.get(t); });
    var codes = known.map(function (where) {
      return where.pieces ? self.index.pieceCode(where.pieces, where.nth) : null;
    });
    return Promise.all([this.index.result(id)].concat(codes)).then(function (loaded) {
      var d = loaded[0];
      // The first piece that holds one of the missing terms, as far as the index told where they are.
      var pieces = known.map(function (where, i) {
        return where.pieces ? loaded[i + 1] : Math.floor((where.at - d.letterAt) / self.index.letterPiece);
      });
      var first = pieces.length ? Math.max(0, Math.min(d.c - 1, Math.min.apply(null, pieces))) : null;
      return self.render(id, d, d.t2s, missing, first);
    });
  };
  // `missing`: the terms not in the result's head; `first`: the letter piece that first holds one of
  // them, when the index told it.
  Page.prototype.render = function (id, d, t2s, missing, first) {
    var self = this, list = this.found.terms;
    var li = document.createElement('li'), h = document.createElement('h2'), a = document.createElement('a');
    li.className = 'jy-search__result';
    h.className = 'jy-search__title';
    a.href = self.site + d.u;
    highlight(a, d.t, list, t2s);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement('p');
    meta.className = 'jy-search__meta';
    [d.n, d.x, d.p, '答复日期 ' + cnDate(d.d)].forEach(function (part) {
      if (!part) return;
      if (meta.childNodes.length) meta.appendChild(document.createTextNode(' · '));
      highlight(meta, part, list, t2s);
    });
    li.appendChild(meta);
    // Terms found only in the body get a snippet of the text around them.
    if (!missing.length) return li;
    var snippet = document.createElement('p');
    snippet.className = 'jy-search__snippet';
    // The snippet of the first missing term found in the metadata, else in the letter, piece by piece.
    function find(pairs, t2s) {
      return missing.some(function (term) {
        return pairs.some(function (p) {
          var piece = window_(p[1], term, t2s, 40);
          if (piece === null) return false;
          highlight(snippet, (p[0] ? p[0] + '：' : '') + piece, list, t2s);
          return true;
        });
      });
    }
    // Pieces k…end-1 in order until one holds a missing term: whether one did.
    function letter(k, end) {
      if (k >= end) return Promise.resolve(false);
      return self.index.piece(id, k).then(function (text) {
        return find([['', text]], t2s) || letter(k + 1, end);
      });
    }
    // The piece the index points to, then the ones after it (a piece code's last value stands for later
    // pieces too), then the ones before it (should normalisation have moved a position).
    function from(k) {
      return letter(k, d.c).then(function (found) { return found || letter(0, k); });
    }
    var done = find(d.m, t2s) ? Promise.resolve() : from(first === null ? 0 : first);
    return done.then(function () {
      if (snippet.childNodes.length) li.appendChild(snippet);
      return li;
    });
  };
  function cnDate(iso) {
    var p = iso.split('-');
    return +p[0] + '年' + +p[1] + '月' + +p[2] + '日';
  }

  window.jySearch = {normalise: normalise, terms: terms, grams: grams, cover: cover, plan: plan,
    keyHash: keyHash, Index: Index};
  var form = document.querySelector('.js-search-form');
  if (form && document.getElementById('search-results') && window.fetch && window.DecompressionStream) {
    document.querySelectorAll('.js-search-nojs').forEach(function (note) { note.hidden = true; });
    window.jySearch.page = new Page(form);
    window.jySearch.page.start();
  }
}());
