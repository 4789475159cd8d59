"""Production settings: pelicanconf.py plus what differs when publishing."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://example.gov.cn/jytabl")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
