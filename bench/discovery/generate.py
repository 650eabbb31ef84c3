#!/usr/bin/env python3
"""Writes the 13 department files of proactive discovery for N generated residents of Jining.

Usage:
  generate.py --residents N --out DIR [--seed S] [--xlsx KIND,...] [--households-out FILE] [--summary]

Writes DIR/<kind>.csv for every kind of discovery/files/<kind>.json (the header is the spec's
field names; the rows follow its types, code lists and constraints), and DIR/manifest.json: what
the files hold and what an importer should find in them (per kind: rows, rows refused and why,
repeated rows, IDs given as 17 or 15 digits, dates in each written form, rows of people the
register does not know; then the persons, households and candidates that screening should give).
`--xlsx disability,students` also writes those kinds as DIR/<kind>.xlsx (needs openpyxl).
`--households-out FILE` writes, for every household still alive, the POLICY.md §3.5 request the
data imply, one JSON object a line with its household number as "id" (what `server screen` reads).
`--summary` prints, as JSON on standard output, the places that have candidates.

Seeded: the same arguments write the same files. Standard library only (openpyxl for --xlsx).

How the facts become a §3.5 request (the importer must read the files the same way):
- household: the accepted register rows with one household number (leading zeros put back), less
  the people in the deaths file; a household whose members all died is gone. Area from the register.
- age: whole years at 2026-12-01 from the birth date in the ID number (no one is born in December,
  so any day of December 2026 gives the same ages).
- incomes: wages (monthly_average) → `wages`; an active business's monthly_income → `business`;
  pensions `employee` and `resident_other` → `pension`, `resident_basic_central` →
  `basic_pension_central` (exempt); rural monitoring farming_monthly → `farming` of the member named.
- employed: a wages row or an active business; an open unemployment registration (no ended_on)
  → not employed (no one with an open registration has wages or an active business).
- can_work: aged 16–59, not a student, no disability of grade 1–2, no serious illness.
- student: a students row whose school_year is 2026 or 2025 (some rows are of 2024: not counted).
- disability grade and kind from the disability file; serious_illness from its file.
- has_able_supporter: another member of the household, not related as `other`, with no disability
  of grade 1–2 and no serious illness, who is aged 18–59 or has a counted income (as above) of at
  least the area's dibao standard.
- assets: financial 0 (no file gives it); vehicles_value = the household's vehicles except kind
  `disability`; houses_owned = its `residential` properties.
- rigid_expenses_12m: the members' medical out-of-pocket costs of 2025-12 to 2026-11 (every row is
  in that window). special_hardship: a rural monitoring row of category `sudden_hardship`.
- self_care `full`, housing_difficulty false, emergency null (no file gives them).
- a row repeated with the same record_id counts once; a refused row gives nothing.
"""
import argparse
import bisect
import gc
import hashlib
import itertools
import json
import os
import random
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPEC_DIR = os.path.join(ROOT, "discovery", "files")
STANDARDS_FILE = os.path.join(ROOT, "rules", "standards", "sample-2026.json")

AS_OF = date(2026, 12, 1)
YEAR = 2026
# The 12 months before AS_OF, as (year, month).
WINDOW = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
EXCEL_EPOCH = date(1899, 12, 30).toordinal()

KINDS = ["household_register", "deaths", "disability", "serious_illness", "medical_costs", "pensions",
         "wages", "unemployment", "vehicles", "real_estate", "business", "students", "rural_monitoring"]

# Record numbers: each department's own prefix.
PREFIX = {"household_register": "HJ", "deaths": "SW", "disability": "CJZ", "serious_illness": "MTB",
          "medical_costs": "YBJS", "pensions": "YLFF", "wages": "GZ", "unemployment": "SYDJ",
          "vehicles": "JDC", "real_estate": "BDC", "business": "SCZT", "students": "XJ",
          "rural_monitoring": "FPJC"}

# Fault rates (each a share of the kind's rows).
RATE_ID17 = 0.003         # check digit (or its X) lost: 17 digits, recovered
RATE_ID15_ELDERLY = 0.015  # of the rows of people aged 60+ born 1900-1999: 15-digit first generation
RATE_HH_STRIPPED = 0.005  # register: household number with its leading zeros gone
RATE_DUPLICATE = 0.002    # the same row (same record_id) twice
RATE_BAD = 0.001          # each kind of refused row
RATE_UNMATCHED = 0.004    # rows of people the register does not know
RATE_DATE_SLASH = 0.005   # 2026/11/30
RATE_DATE_COMPACT = 0.005  # 20261130
RATE_DATE_SERIAL = 0.003  # 46356 (Excel's day number)

# Jining's counties: name, region code, older region codes still on people's IDs, share of the
# population, townships (街道 are mostly urban, 镇 and 乡 mostly rural).
COUNTIES = [
    ("任城区", "370811", ["370802"], 0.150, [
        "古槐街道", "越河街道", "南苏街道", "仙营街道", "金城街道", "阜桥街道", "济阳街道", "李营街道",
        "观音阁街道", "许庄街道", "二十里铺街道", "唐口街道", "安居街道", "长沟镇", "喻屯镇"]),
    ("兖州区", "370812", ["370882"], 0.075, [
        "鼓楼街道", "酒仙桥街道", "龙桥街道", "大安镇", "新驿镇", "颜店镇", "新兖镇", "漕河镇", "小孟镇"]),
    ("曲阜市", "370881", [], 0.075, [
        "鲁城街道", "书院街道", "时庄街道", "小雪街道", "吴村镇", "姚村镇", "陵城镇", "王庄镇", "息陬镇",
        "石门山镇", "防山镇", "尼山镇"]),
    ("邹城市", "370883", [], 0.135, [
        "钢山街道", "千泉街道", "凫山街道", "太平镇", "石墙镇", "峄山镇", "香城镇", "城前镇", "大束镇",
        "北宿镇", "中心店镇", "唐村镇", "田黄镇", "张庄镇"]),
    ("微山县", "370826", [], 0.080, [
        "夏镇街道", "昭阳街道", "傅村街道", "韩庄镇", "欢城镇", "南阳镇", "鲁桥镇", "留庄镇", "两城镇",
        "马坡镇", "高楼乡", "张楼镇", "赵庙镇", "西平镇"]),
    ("鱼台县", "370827", [], 0.055, [
        "谷亭街道", "滨湖街道", "王庙镇", "李阁镇", "唐马镇", "老砦镇", "王鲁镇", "张黄镇", "鱼城镇", "清河镇"]),
    ("金乡县", "370828", [], 0.075, [
        "金乡街道", "高河街道", "王丕街道", "鱼山街道", "羊山镇", "胡集镇", "肖云镇", "鸡黍镇", "司马镇",
        "马庙镇", "化雨镇", "卜集镇", "兴隆镇"]),
    ("嘉祥县", "370829", [], 0.100, [
        "嘉祥街道", "卧龙山街道", "纸坊镇", "梁宝寺镇", "红运镇", "疃里镇", "马村镇", "金屯镇", "大张楼镇",
        "孟姑集镇", "老僧堂镇", "黄垓乡", "仲山镇", "满硐镇", "万张镇"]),
    ("汶上县", "370830", [], 0.080, [
        "汶上街道", "中都街道", "南旺镇", "次丘镇", "寅寺镇", "郭楼镇", "康驿镇", "苑庄镇", "义桥镇",
        "杨店镇", "郭仓镇", "白石镇", "刘楼镇", "军屯乡"]),
    ("泗水县", "370831", [], 0.065, [
        "济河街道", "泗河街道", "泉林镇", "星村镇", "柘沟镇", "金庄镇", "苗馆镇", "中册镇", "杨柳镇",
        "泗张镇", "圣水峪镇", "高峪镇", "华村镇"]),
    ("梁山县", "370832", [], 0.090, [
        "水泊街道", "梁山街道", "小安山镇", "寿张集镇", "韩岗镇", "馆驿镇", "拳铺镇", "杨营镇", "韩垓镇",
        "马营镇", "赵堌堆乡", "大路口乡", "黑虎庙镇", "小路口镇", "徐集镇"]),
]
# People who work in Jining but whose household is registered elsewhere (in department files only).
OTHER_REGIONS = ["370102", "370103", "370202", "370302", "370402", "370502", "370602", "370702",
                 "370902", "371302", "371402", "371502", "371702", "410102", "320302", "130102"]

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
            "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
# The commonest surnames first; 孔 and 孟 are common around Qufu and Zoucheng.
SURNAME_WEIGHTS = [{"王": 9, "李": 9, "张": 8, "刘": 7, "陈": 5, "杨": 4, "赵": 4, "孔": 4, "孟": 3}.get(c, 2 if i < 35 else 1)
                   for i, c in enumerate(SURNAMES)]
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林东文建国庆志成海峰亮兵"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英红梅兰凤洁琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉"
COMMON_CHARS = "子晓小春秋金玉永德家佳新思欣雨一立明天长福安荣瑞"
COMMUNITY_ROOTS = ["府河", "古槐", "红星", "建设", "光明", "幸福", "和平", "东门", "西关", "南关", "北湖",
                   "文化", "育才", "阳光", "锦绣", "金城", "永安", "太白", "运河", "琵琶山", "东方", "新华",
                   "铁塔", "兴隆", "龙城", "翠都", "济安", "圣贤", "杏坛", "春秋", "湖光", "荷花", "柳行",
                   "滨河", "北门", "车站", "中心街", "新村", "花园", "书院"]
VILLAGE_PREFIX = ["", "", "", "", "东", "西", "南", "北", "前", "后", "大", "小", "上", "下"]
VILLAGE_SUFFIX = ["庄", "庄", "庄", "楼", "屯", "集", "营", "店", "口", "寨", "洼", "桥", "官庄", "家", "园",
                  "堂", "坊", "桥头"]
DISEASES = ["恶性肿瘤", "尿毒症透析治疗", "器官移植术后抗排异治疗", "重性精神病", "慢性心力衰竭", "糖尿病伴并发症",
            "高血压病（三级）", "帕金森病", "脑卒中后遗症", "慢性阻塞性肺疾病", "系统性红斑狼疮", "再生障碍性贫血",
            "血友病", "肝硬化失代偿期", "类风湿性关节炎"]
EMPLOYERS = ["济宁市某建筑工程有限公司", "山东某机械制造有限公司", "任城区某商贸有限公司", "兖州某煤业有限公司",
             "邹城某物流有限公司", "曲阜某文化旅游有限公司", "济宁某医院", "某县人民政府", "济宁某学校",
             "金乡某大蒜加工厂", "嘉祥某石雕厂", "梁山某专用汽车有限公司"]

# The showcase households a browser test can rely on (first in every file set).
SHOWCASE = [
    {"county": "任城区", "township": "李营街道", "village": "王庄村", "area": "rural",
     "expect": "tekun", "what": "an elderly woman living alone on a residents' pension"},
    {"county": "任城区", "township": "古槐街道", "village": "府河社区", "area": "urban",
     "expect": "dibao", "what": "a couple with two school children, one low wage, the husband disabled"},
]


# ------------------------------------------------------------------------------------------------
# Specs and standards.

def load_specs():
    specs = {}
    for kind in KINDS:
        with open(os.path.join(SPEC_DIR, kind + ".json"), encoding="utf-8") as f:
            specs[kind] = json.load(f)
    return specs


def spec_fields(spec):
    return [f["name"] for f in spec["fields"]]


def spec_enum(spec, field):
    for f in spec["fields"]:
        if f["name"] == field:
            return f.get("constraints", {}).get("enum")
    raise KeyError(field)


def load_standards():
    with open(STANDARDS_FILE, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for area in ("urban", "rural"):
        a = data[area]
        out[area] = {
            "std": int(round(a["dibao_standard"] * 100)),
            "marginal": int(round(a["marginal_multiplier"] * 10000)),
            "expense": int(round(a["expense_multiplier"] * 10000)),
            "rigid_ratio": int(round(a["rigid_ratio"] * 10000)),
            "disposable": int(round(a["disposable_income"] * 100)),
            "vehicle_limit": int(round(a["vehicle_limit"] * 100)),
            "max_houses": int(a["max_houses"]),
            "asset_months": int(a["asset_months"]),
            "marginal_asset_months": int(a["marginal_asset_months"]),
        }
    return out


# ------------------------------------------------------------------------------------------------
# ID numbers (GB 11643-1999).

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_DIGIT_W = [[int(d) * w for d in "0123456789"] for w in _W]


def check_digit(s17):
    t = 0
    for i, c in enumerate(s17):
        t += _DIGIT_W[i][ord(c) - 48]
    return _CHECK[t % 11]


def wrong_check_digit(id18, rng):
    right = id18[17]
    return id18[:17] + rng.choice([c for c in "0123456789X" if c != right])


def fen_str(f):
    sign = "-" if f < 0 else ""
    f = abs(f)
    return f"{sign}{f // 100}.{f % 100:02d}"


# ------------------------------------------------------------------------------------------------
# The rules of POLICY.md §3.4 for the five programmes that make a candidate (dibao, tekun,
# marginal, rigid_expense, temporary_expense), in fen, as the rules engine computes them; used for
# the manifest's expected candidates and --summary. `bench/openfisca` and `server screen` check it.

def recommend(st, members, vehicles, houses, rigid):
    """members: list of (age, grade, kind, serious, counted_fen, has_supporter). Returns
    (recommended or None, set of eligible programmes)."""
    std = st["std"]
    n = len(members) or 1
    counted = sum(m[4] for m in members)
    assets_ok = vehicles <= st["vehicle_limit"] and houses <= st["max_houses"]  # financial is 0
    dibao_h = counted < std * n and assets_ok
    marginal = (not dibao_h) and counted * 10000 < st["marginal"] * std * n and assets_ok
    severe = any(m[1] in (1, 2) or m[3] for m in members)
    dibao = dibao_h or (marginal and severe)
    tekun = assets_ok and any(
        (m[0] >= 60 or m[0] < 18 or m[1] in (1, 2) or (m[1] == 3 and m[2] in ("intellectual", "mental")))
        and m[4] < std and not m[5] for m in members)
    annual = 12 * counted
    rigid_expense = ((not dibao_h) and (not marginal) and annual < st["disposable"] * n
                     and rigid * 10000 >= st["rigid_ratio"] * annual and assets_ok)
    temporary = rigid > annual and counted * 10000 < st["expense"] * std * n
    eligible = set()
    for name, ok in (("tekun", tekun), ("dibao", dibao), ("marginal", marginal),
                     ("rigid_expense", rigid_expense), ("temporary_expense", temporary)):
        if ok:
            eligible.add(name)
    for name in ("tekun", "dibao", "marginal", "rigid_expense", "temporary_expense"):
        if name in eligible:
            return name, eligible
    return None, eligible


# ------------------------------------------------------------------------------------------------

class FastRandom(random.Random):
    """random.Random with cheaper integer and choice draws (the generator makes millions)."""

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start) // step))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


SURNAME_CUM = list(itertools.accumulate(SURNAME_WEIGHTS))


class Generator:
    def __init__(self, residents, seed, specs):
        self.poor_share = None
        self.n = residents
        self.rng = FastRandom(seed)
        self.specs = specs
        self.standards = load_standards()
        self.used_ids = set()
        # Persons (parallel lists indexed by person number).
        self.pid_id = []
        self.pid_name = []
        self.pid_age = []
        self.pid_sex = []
        self.pid_birth = []   # (y, m, d)
        self.pid_hh = []      # household index, -1: not in the register
        self.pid_rel = []
        # Households.
        self.hh_no = []
        self.hh_place = []    # (county index, township, village, area)
        self.hh_address = []
        self.hh_members = []
        self.hh_poor = []     # 0 comfortable, 1 near the line, 2 poor
        self.hh_showcase = []
        self.build_places()

    # --- places -------------------------------------------------------------------------------
    def build_places(self):
        rng = self.rng
        self.places = []  # per county: list of (township, [(village, area)], township number)
        for ci, (_, _, _, _, townships) in enumerate(COUNTIES):
            tl = []
            for ti, t in enumerate(townships):
                street = t.endswith("街道")
                villages = []
                seen = set()
                count = rng.randint(10, 22) if street else rng.randint(18, 40)
                while len(villages) < count:
                    urban = rng.random() < (0.75 if street else 0.08)
                    if urban:
                        name = rng.choice(COMMUNITY_ROOTS) + "社区"
                    else:
                        name = (rng.choice(VILLAGE_PREFIX) + rng.choice(SURNAMES[:40])
                                + rng.choice(VILLAGE_SUFFIX) + "村")
                    if name in seen:
                        continue
                    seen.add(name)
                    villages.append((name, "urban" if urban else "rural"))
                tl.append([t, villages, ti + 1, 0])
            self.places.append(tl)
        # The showcase villages exist.
        for s in SHOWCASE:
            ci = [c[0] for c in COUNTIES].index(s["county"])
            for t in self.places[ci]:
                if t[0] == s["township"] and (s["village"], s["area"]) not in t[1]:
                    t[1].insert(0, (s["village"], s["area"]))
        self.county_cum = []
        acc = 0.0
        for c in COUNTIES:
            acc += c[3]
            self.county_cum.append(acc)
        # Within a county, an urban community holds about four times the households of a village,
        # and a 街道 is larger than a 镇.
        self.place_lists = []
        for tl in self.places:
            entries, cum, total = [], [], 0.0
            for t in tl:
                scale = 2.0 if t[0].endswith("街道") else 1.0
                for village, area in t[1]:
                    total += scale * (4.0 if area == "urban" else 1.0)
                    entries.append((t, village, area))
                    cum.append(total)
            self.place_lists.append((entries, cum))

    # --- people -------------------------------------------------------------------------------
    def new_id(self, region_codes, y, m, d, sex):
        rng = self.rng
        birth = f"{y:04d}{m:02d}{d:02d}"
        while True:
            region = region_codes[0] if len(region_codes) == 1 or rng.random() < 0.8 else rng.choice(region_codes)
            seq = rng.randrange(0, 500) * 2 + (1 if sex else 0)
            s17 = f"{region}{birth}{seq:03d}"
            if s17 not in self.used_ids:
                self.used_ids.add(s17)
                return s17 + check_digit(s17)

    def birth_for_age(self, age):
        rng = self.rng
        m = rng.randint(1, 11)  # no December birthdays: see the module's docstring
        d = rng.randint(1, 30 if m in (4, 6, 9, 11) else (28 if m == 2 else 31))
        return YEAR - age, m, d

    def name(self, surname, sex):
        rng = self.rng
        pool = MALE_CHARS if sex else FEMALE_CHARS
        if rng.random() < 0.3:
            return surname + rng.choice(pool)
        return surname + rng.choice(COMMON_CHARS if rng.random() < 0.4 else pool) + rng.choice(pool)

    def surname(self):
        return self.rng.choices(SURNAMES, cum_weights=SURNAME_CUM)[0]

    def add_person(self, hh, ci, age, sex, rel, surname):
        y, m, d = self.birth_for_age(age)
        code, old = COUNTIES[ci][1], COUNTIES[ci][2]
        regions = [code] + old if (old and y < 2013) else [code]
        if self.rng.random() < 0.06:  # born in another county of Jining
            other = COUNTIES[self.rng.randrange(len(COUNTIES))]
            regions = [other[1]]
        pid = len(self.pid_id)
        self.pid_id.append(self.new_id(regions, y, m, d, sex))
        self.pid_name.append(self.name(surname, sex))
        self.pid_age.append(age)
        self.pid_sex.append(sex)
        self.pid_birth.append((y, m, d))
        self.pid_hh.append(hh)
        self.pid_rel.append(rel)
        return pid

    def elderly_age(self, low=60, high=100):
        return min(high, low + int(self.rng.expovariate(1 / 11.0)))

    def compose(self, area):
        """A household's members as (age, sex, relation)."""
        rng = self.rng
        r = rng.random()
        types = (("single_elderly", 0.09, 0.11), ("elderly_couple", 0.10, 0.13), ("single_adult", 0.10, 0.06),
                 ("couple", 0.09, 0.07), ("nuclear", 0.38, 0.30), ("three_gen", 0.14, 0.20),
                 ("single_parent", 0.04, 0.03), ("skipped", 0.02, 0.05), ("elderly_with_child", 0.02, 0.03),
                 ("siblings", 0.02, 0.02))
        acc = 0.0
        kind = "nuclear"
        for name, u, ru in types:
            acc += u if area == "urban" else ru
            if r < acc:
                kind = name
                break
        male_head = rng.random() < 0.75
        out = []
        if kind == "single_elderly":
            out.append((self.elderly_age(), rng.random() < 0.4, "head"))
        elif kind == "elderly_couple":
            a = self.elderly_age(60, 96)
            out.append((a, True, "head"))
            out.append((max(58, min(100, a + rng.randint(-5, 3))), False, "spouse"))
        elif kind == "single_adult":
            out.append((rng.randint(18, 59), rng.random() < 0.55, "head"))
        elif kind == "couple":
            a = rng.choice([rng.randint(20, 35), rng.randint(36, 59)])
            out.append((a, male_head, "head"))
            out.append((max(19, a + rng.randint(-4, 4)), not male_head, "spouse"))
        elif kind in ("nuclear", "three_gen", "single_parent"):
            a = rng.randint(26, 55)
            out.append((a, male_head if kind != "single_parent" else rng.random() < 0.3, "head"))
            mother = a
            if kind != "single_parent":
                s = max(20, a + rng.randint(-4, 3))
                out.append((s, not male_head, "spouse"))
                mother = min(a, s)
            kids = rng.choices([1, 2, 3], [0.45, 0.45, 0.10])[0]
            for _ in range(kids):
                out.append((rng.randint(0, min(mother - 20, 26)), rng.random() < 0.52, "child"))
            if kind == "three_gen":
                for _ in range(rng.choices([1, 2], [0.55, 0.45])[0]):
                    out.append((min(100, a + rng.randint(22, 34)), rng.random() < 0.45, "parent"))
        elif kind == "skipped":
            g = rng.randint(55, 82)
            out.append((g, male_head, "head"))
            if rng.random() < 0.5:
                out.append((max(52, g + rng.randint(-4, 3)), not male_head, "spouse"))
            for _ in range(rng.choice([1, 1, 2])):
                out.append((rng.randint(2, 16), rng.random() < 0.5, "grandchild"))
        elif kind == "elderly_with_child":
            g = self.elderly_age(60, 95)
            out.append((g, rng.random() < 0.5, "head"))
            out.append((max(18, min(59, g - rng.randint(24, 36))), rng.random() < 0.5, "child"))
        else:  # siblings
            a = rng.randint(20, 60)
            out.append((a, rng.random() < 0.5, "head"))
            for _ in range(rng.choice([1, 2])):
                out.append((max(18, min(70, a + rng.randint(-8, 8))), rng.random() < 0.5, "sibling"))
            if rng.random() < 0.3:
                out.append((rng.randint(20, 50), rng.random() < 0.5, "other"))
        return out[:6], kind

    def place(self):
        rng = self.rng
        r = rng.random() * self.county_cum[-1]
        ci = 0
        while self.county_cum[ci] < r:
            ci += 1
        entries, cum = self.place_lists[ci]
        t, village, area = entries[bisect.bisect_left(cum, rng.random() * cum[-1])]
        return ci, t, village, area

    def new_household(self, ci, t, village, area, members, poor, showcase=False):
        rng = self.rng
        hh = len(self.hh_no)
        t[3] += 1
        self.hh_no.append(f"{ci + 1:02d}{t[2]:03d}{t[3]:07d}")
        self.hh_place.append((ci, t[0], village, area))
        county = COUNTIES[ci][0]
        if area == "urban":
            addr = (f"山东省济宁市{county}{t[0]}{village}{rng.randint(1, 40)}号楼{rng.randint(1, 4)}单元"
                    f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}室")
        else:
            addr = f"山东省济宁市{county}{t[0]}{village}{rng.randint(1, 320)}号"
        self.hh_address.append(addr)
        self.hh_poor.append(poor)
        self.hh_showcase.append(showcase)
        head_surname = self.surname()
        pids = []
        for age, sex, rel in members:
            if rel in ("head", "child", "grandchild", "sibling") or (rel == "parent" and sex):
                sn = head_surname
            else:
                sn = self.surname()
            pids.append(self.add_person(hh, ci, age, sex, rel, sn))
        self.hh_members.append(pids)
        return hh

    # Share of poor households by type (urban, rural); another 4% of each type is near the line.
    POOR_BY_TYPE = {"single_elderly": (0.06, 0.13), "elderly_couple": (0.04, 0.10), "single_adult": (0.04, 0.05),
                    "couple": (0.02, 0.025), "nuclear": (0.02, 0.03), "three_gen": (0.025, 0.035),
                    "single_parent": (0.12, 0.15), "skipped": (0.18, 0.21), "elderly_with_child": (0.09, 0.12),
                    "siblings": (0.035, 0.05)}

    def people(self):
        rng = self.rng
        if self.n >= 8:
            self.showcase_households()
        while len(self.pid_id) < self.n:
            ci, t, village, area = self.place()
            members, kind = self.compose(area)
            members = members[: self.n - len(self.pid_id)]
            p_poor, p_near = self.POOR_BY_TYPE[kind]
            if area == "rural":
                p_poor *= 1.2
            if self.poor_share is not None:
                p_poor = self.poor_share
            r = rng.random()
            poor = 2 if r < p_poor else (1 if r < p_poor + 0.04 else 0)
            self.new_household(ci, t, village, area, members, poor)

    def showcase_households(self):
        for s in SHOWCASE:
            ci = [c[0] for c in COUNTIES].index(s["county"])
            t = next(t for t in self.places[ci] if t[0] == s["township"])
            if s["expect"] == "tekun":
                members = [(78, False, "head")]
            else:
                members = [(44, True, "head"), (42, False, "spouse"), (14, True, "child"), (9, False, "child")]
            self.new_household(ci, t, s["village"], s["area"], members, 2, showcase=True)

    # --- facts --------------------------------------------------------------------------------
    def facts(self):
        """Every person's true facts (the rows are written from them)."""
        rng = self.rng
        n = len(self.pid_id)
        self.wages = [0] * n
        self.business = [None] * n   # (kind, status, income fen or None)
        self.pension = [None] * n    # list of (kind, fen)
        self.farming = [0] * n
        self.monitoring = {}         # hh -> (pid named, category, fen)
        self.grade = [0] * n
        self.dkind = [None] * n
        self.serious = [None] * n    # disease
        self.medical = [None] * n    # list of ((y, m), fen)
        self.unemployment = [None] * n  # (registered (y,m,d), ended (y,m,d) or None)
        self.student = [None] * n    # (level, school_year)
        self.vehicles = []           # (pid, kind, fen)
        self.properties = []         # (pid, use, area m2 in tenths)
        ages = self.pid_age
        for hh, pids in enumerate(self.hh_members):
            poor = self.hh_poor[hh]
            area = self.hh_place[hh][3]
            if self.hh_showcase[hh]:
                self.showcase_facts(hh, pids)
                continue
            for p in pids:
                a = ages[p]
                # Disability and serious illness: more with age, more in poor households.
                pd = 0.03 if a < 18 else (0.045 if a < 60 else 0.12)
                pi = 0.0075 if a < 18 else (0.025 if a < 60 else 0.105)
                if poor == 2:
                    pd *= 2.5
                    pi *= 2.0
                if rng.random() < pd:
                    self.grade[p] = rng.choices([1, 2, 3, 4], [0.10, 0.20, 0.30, 0.40])[0]
                    self.dkind[p] = rng.choices(
                        ["physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"],
                        [0.50, 0.10, 0.15, 0.02, 0.08, 0.10, 0.05])[0]
                if rng.random() < pi:
                    self.serious[p] = rng.choice(DISEASES)
                # Students.
                if 3 <= a <= 22:
                    ps = 0.6 if a <= 5 else (0.85 if a <= 14 else (0.7 if a <= 17 else 0.2))
                    if rng.random() < ps:
                        if a <= 5:
                            level = "preschool"
                        elif a <= 11:
                            level = "primary"
                        elif a <= 14:
                            level = "junior_secondary"
                        elif a <= 17:
                            level = "senior_secondary" if rng.random() < 0.7 else "vocational"
                        else:
                            level = "higher" if rng.random() < 0.75 else "vocational"
                        year = rng.choices([2026, 2025, 2024], [0.92, 0.06, 0.02])[0]
                        self.student[p] = (level, year)
            self.incomes(hh, pids, poor, area)
            self.assets(hh, pids, poor, area)
            for p in pids:
                self.medical_costs(p, poor)
        self.unmatched_people()

    def showcase_facts(self, hh, pids):
        if len(pids) == 1:
            p = pids[0]
            self.pension[p] = [("resident_basic_central", 16300), ("resident_other", 6000)]
            self.properties.append((p, "residential", 865))
        else:
            head, spouse, k1, k2 = pids
            self.grade[head] = 4
            self.dkind[head] = "physical"
            self.wages[spouse] = 120000
            self.student[k1] = ("junior_secondary", 2026)
            self.student[k2] = ("primary", 2026)
            self.properties.append((head, "residential", 620))

    def incomes(self, hh, pids, poor, area):
        rng = self.rng
        ages = self.pid_age
        workers = [p for p in pids if 16 <= ages[p] <= 59 and self.student[p] is None]
        k = 0
        for p in workers:
            a = ages[p]
            sick = self.grade[p] in (1, 2) or self.serious[p] is not None
            if poor == 2:
                pw, pb = (0.0 if sick else 0.22), 0.01
            elif poor == 1:
                pw, pb = (0.50, 0.05) if k == 0 else (0.15, 0.02)
            else:
                pw, pb = (0.47, 0.14) if k == 0 else (0.16, 0.05)
            if area == "urban" and self.pid_sex[p] == 0 and a >= 50 and poor == 0 and rng.random() < 0.35:
                self.pension[p] = [("employee", rng.randint(2200, 4200) * 100 + rng.randint(0, 99))]
                continue
            r = rng.random()
            if r < pw:
                if poor == 2:
                    fen = rng.randint(600, 1800) * 100
                elif poor == 1:
                    fen = rng.randint(1000, 2400) * 100
                else:
                    fen = int(min(60000, max(2200, rng.lognormvariate(8.45, 0.45)))) * 100
                self.wages[p] = fen + rng.choice([0, 0, rng.randint(0, 99)])
                k += 1
            elif r < pw + pb:
                kind = rng.choices(["individual", "company_legal_person", "company_shareholder"], [0.7, 0.15, 0.15])[0]
                active = rng.random() < 0.82
                if rng.random() < 0.1:
                    income = None
                elif poor == 2:
                    income = rng.randint(300, 1500) * 100
                else:
                    income = int(min(200000, max(800, rng.lognormvariate(8.6, 0.7)))) * 100
                self.business[p] = (kind, "active" if active else "closed", income)
                if active:
                    k += 1
        for p in pids:
            if ages[p] < 60 or self.pension[p] is not None:
                continue
            if rng.random() < 0.04:
                continue
            p_employee = (0.82 if area == "urban" else 0.50) if poor == 0 else (0.05 if poor == 2 else 0.15)
            if rng.random() < p_employee:
                low, high = (1100, 2000) if poor else (1800, 5600)
                self.pension[p] = [("employee", rng.randint(low, high) * 100 + rng.randint(0, 99))]
            else:
                self.pension[p] = [("resident_basic_central", 16300),
                                   ("resident_other", rng.randint(20, 280) * 100)]
        if poor == 1:
            self.near_line(pids, workers, area)
        # Unemployment: working-age people with no work.
        for p in workers:
            if self.wages[p] or (self.business[p] and self.business[p][1] == "active"):
                if rng.random() < 0.012:  # registered once, found work since
                    reg = self.some_date(2022, 2025)
                    self.unemployment[p] = (reg, self.date_after(reg))
                continue
            if self.pension[p] is not None:
                continue
            if rng.random() < (0.24 if poor == 2 else (0.15 if poor == 1 else 0.105)):
                reg = self.some_date(2023, 2026)
                ended = self.date_after(reg) if rng.random() < 0.25 else None
                self.unemployment[p] = (reg, ended)
        # Rural monitoring: poor and near-poor rural households.
        if area == "rural" and pids:
            pm = 0.12 if poor == 2 else (0.10 if poor == 1 else 0.006)
            if rng.random() < pm:
                cat = ("sudden_hardship" if rng.random() < 0.25 else "unstable") if poor == 2 else (
                    "marginal" if poor == 1 else rng.choice(["unstable", "marginal", "sudden_hardship"]))
                fen = rng.randint(150, 1200) * 100
                head = pids[0]
                self.monitoring[hh] = (head, cat, fen)
                self.farming[head] = fen

    def near_line(self, pids, workers, area):
        """Sets a household near the line to a per-capita income of 0.95-1.55 dibao standards; some
        exactly at the standard or at the marginal line (the rules' comparisons are strict)."""
        rng = self.rng
        st = self.standards[area]
        n = len(pids)
        r = rng.random()
        if r < 0.03:
            target = st["std"] * n
        elif r < 0.06:
            target = st["marginal"] * st["std"] * n // 10000
        else:
            target = int(st["std"] * n * rng.uniform(0.95, 1.55))
        earner = next((p for p in workers if self.wages[p]), workers[0] if workers else None)
        if earner is None:
            earner = next((p for p in pids if self.pension[p] and self.pension[p][0][0] == "employee"), None)
        if earner is None:
            return
        rest = sum(self.counted(p) for p in pids) - self.counted(earner)
        fen = max(60000, target - rest)
        if self.pension[earner] and self.pension[earner][0][0] == "employee":
            self.pension[earner] = [("employee", fen)]
        else:
            self.business[earner] = None
            self.wages[earner] = fen

    def counted(self, p):
        c = self.wages[p] + self.farming[p]
        b = self.business[p]
        if b and b[1] == "active" and b[2]:
            c += b[2]
        if self.pension[p]:
            for kind, fen in self.pension[p]:
                if kind != "resident_basic_central":
                    c += fen
        return c

    def assets(self, hh, pids, poor, area):
        rng = self.rng
        ages = self.pid_age
        adults = [p for p in pids if ages[p] >= 18] or pids
        owner = adults[0]
        st = self.standards[area]
        if poor == 0:
            # A comfortable household whose income no file shows owns what shows it.
            income = sum(self.counted(p) for p in pids)
            elderly = all(ages[p] >= 60 for p in pids)
            hidden = (income * 10000 < st["marginal"] * st["std"] * len(pids)
                      and rng.random() < 0.9)
            # Income no file shows: a second home, or a car.
            second_home = hidden and rng.random() < (0.75 if elderly else 0.55)
            p_car = (0.26 if area == "urban" else 0.16)
            if (hidden and not second_home) or rng.random() < p_car:
                if hidden or rng.random() < 0.9:
                    value = int(min(900000, max(32000, rng.lognormvariate(11.4, 0.6))))
                else:
                    value = rng.randint(8000, 29000)
                self.vehicles.append((rng.choice(adults), rng.choice(["car"] * 12 + ["truck"]), value * 100))
                if rng.random() < 0.12:
                    self.vehicles.append((rng.choice(adults), "car", rng.randint(40000, 300000) * 100))
            if area == "rural" and rng.random() < 0.14:
                self.vehicles.append((owner, "agricultural", rng.randint(3000, 60000) * 100))
            if rng.random() < 0.05:
                self.vehicles.append((rng.choice(adults), "motorcycle", rng.randint(1500, 9000) * 100))
            if second_home or rng.random() < (0.92 if area == "urban" else 0.85):
                self.properties.append((owner, "residential", self.floor(area)))
                if second_home or rng.random() < (0.14 if area == "urban" else 0.07):
                    self.properties.append((rng.choice(adults), "residential", self.floor(area)))
            if rng.random() < 0.03:
                self.properties.append((owner, rng.choice(["commercial", "industrial", "other"]),
                                        rng.randint(200, 3000)))
        else:
            if rng.random() < 0.08:
                self.vehicles.append((owner, "motorcycle", rng.randint(1500, 6000) * 100))
            if area == "rural" and rng.random() < 0.06:
                self.vehicles.append((owner, "agricultural", rng.randint(3000, 15000) * 100))
            if poor == 1 and rng.random() < 0.04:
                self.vehicles.append((owner, "car", rng.randint(35000, 90000) * 100))
            if rng.random() < (0.7 if poor == 2 else 0.8):
                self.properties.append((owner, "residential", self.floor(area)))
                if rng.random() < 0.02:
                    self.properties.append((owner, "residential", self.floor(area)))
        for p in pids:
            if self.grade[p] and self.grade[p] <= 2 and rng.random() < 0.15:
                self.vehicles.append((p, "disability", rng.randint(3000, 20000) * 100))

    def floor(self, area):
        return self.rng.randint(450, 1600) if area == "urban" else self.rng.randint(700, 2200)

    def medical_costs(self, p, poor):
        rng = self.rng
        if self.serious[p] is not None:
            r = rng.random()
            if r >= 0.7:
                return
            if r < 0.18:  # dialysis, cancer treatment: every month, thousands of yuan
                months = rng.randint(10, 12)
                median = 8.4
                sigma = 0.5
            else:
                months = rng.randint(5, 12)
                median = 7.5 if poor else 7.3
                sigma = 0.9
        else:
            a = self.pid_age[p]
            if rng.random() >= (0.008 if a < 60 else 0.04):
                return
            months = rng.randint(2, 6)
            median = 6.0
            sigma = 0.8
        chosen = sorted(rng.sample(range(12), months))
        rows = []
        for i in chosen:
            fen = int(min(60000, rng.lognormvariate(median, sigma)) * 100) + rng.randint(0, 99)
            rows.append((WINDOW[i], fen))
        self.medical[p] = rows

    def some_date(self, y0, y1):
        rng = self.rng
        y = rng.randint(y0, y1)
        m = rng.randint(1, 11 if y == 2026 else 12)
        return y, m, rng.randint(1, 28)

    def date_after(self, d):
        o = min(date(*d).toordinal() + self.rng.randint(30, 700), date(2026, 11, 30).toordinal())
        x = date.fromordinal(o)
        return x.year, x.month, x.day

    def unmatched_people(self):
        """People who work, own or are treated in Jining but are registered elsewhere."""
        rng = self.rng
        count = int(round(self.n * RATE_UNMATCHED * 2.5))
        self.unmatched = []
        for _ in range(count):
            age = rng.randint(20, 75)
            sex = rng.random() < 0.5
            y, m, d = self.birth_for_age(age)
            pid = len(self.pid_id)
            self.pid_id.append(self.new_id([rng.choice(OTHER_REGIONS)], y, m, d, sex))
            self.pid_name.append(self.name(self.surname(), sex))
            self.pid_age.append(age)
            self.pid_sex.append(sex)
            self.pid_birth.append((y, m, d))
            self.pid_hh.append(-1)
            self.pid_rel.append(None)
            for lst in (self.wages, self.business, self.pension, self.farming, self.grade, self.dkind,
                        self.serious, self.medical, self.unemployment, self.student):
                lst.append(0 if lst is self.wages or lst is self.farming or lst is self.grade else None)
            self.unmatched.append(pid)

    # --- deaths and the register's refused rows ----------------------------------------------
    def deaths(self):
        rng = self.rng
        n = len(self.pid_id)
        self.dead = [None] * n
        named = {v[0] for v in self.monitoring.values()}
        for hh, pids in enumerate(self.hh_members):
            if self.hh_showcase[hh]:
                continue
            for p in pids:
                a = self.pid_age[p]
                pd = 0.15 if a >= 85 else (0.06 if a >= 75 else (0.016 if a >= 60 else 0.0013))
                if rng.random() < pd and p not in named:
                    self.dead[p] = self.some_date(2025, 2026)

    # --- rows ---------------------------------------------------------------------------------
    def fmt_date(self, y, m, d, stats):
        r = self.rng.random()
        if r < RATE_DATE_SLASH:
            stats["date_slash"] += 1
            return f"{y:04d}/{m:02d}/{d:02d}"
        if r < RATE_DATE_SLASH + RATE_DATE_COMPACT:
            stats["date_compact"] += 1
            return f"{y:04d}{m:02d}{d:02d}"
        if r < RATE_DATE_SLASH + RATE_DATE_COMPACT + RATE_DATE_SERIAL:
            stats["date_serial"] += 1
            return str(date(y, m, d).toordinal() - EXCEL_EPOCH)
        return f"{y:04d}-{m:02d}-{d:02d}"

    def fmt_month(self, y, m, stats):
        r = self.rng.random()
        if r < RATE_DATE_SLASH:
            stats["month_slash"] += 1
            return f"{y:04d}/{m:02d}"
        if r < RATE_DATE_SLASH + RATE_DATE_COMPACT:
            stats["month_compact"] += 1
            return f"{y:04d}{m:02d}"
        return f"{y:04d}-{m:02d}"

    def id_text(self, p, stats, kind):
        """The person's ID as the department wrote it: mostly 18 characters, some 17 or 15."""
        id18 = self.pid_id[p]
        r = self.rng.random()
        if r < RATE_ID17 and not self.protected(p):
            stats["id_17_digits"] += 1
            return id18[:17]
        y = self.pid_birth[p][0]
        if (1900 <= y <= 1999 and self.pid_age[p] >= 60 and r < RATE_ID17 + RATE_ID15_ELDERLY
                and not self.protected(p)):
            stats["id_15_digits"] += 1
            return id18[:6] + id18[8:17]
        return id18

    def protected(self, p):
        hh = self.pid_hh[p]
        return hh >= 0 and self.hh_showcase[hh]

    def kind_rows(self, kind, stats):
        """The kind's true rows, (person, [values in spec order without record_id]), and stats."""
        rng = self.rng
        out = []
        fd = self.fmt_date
        fm = self.fmt_month
        idt = self.id_text
        if kind == "household_register":
            for hh, pids in enumerate(self.hh_members):
                ci, township, village, area = self.hh_place[hh]
                county = COUNTIES[ci][0]
                no = self.hh_no[hh]
                for p in pids:
                    phone = "" if rng.random() < 0.25 else f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
                    hno = no
                    if no[0] == "0" and rng.random() < RATE_HH_STRIPPED and not self.protected(p):
                        hno = no.lstrip("0")
                        stats["household_no_zeros_lost"] += 1
                    out.append((p, [idt(p, stats, kind), self.pid_name[p], hno, self.pid_rel[p], county, township,
                                    village, self.hh_address[hh], area, phone]))
        elif kind == "deaths":
            for p, d in enumerate(self.dead):
                if d:
                    out.append((p, [idt(p, stats, kind), fd(*d, stats)]))
            for p in self.unmatched_sample(0.02):
                out.append((p, [idt(p, stats, kind), fd(*self.some_date(2025, 2026), stats)]))
        elif kind == "disability":
            for p, g in enumerate(self.grade):
                if g:
                    # rehabilitation_12m is optional and left empty: the households' rigid expenses
                    # are their medical costs alone.
                    out.append((p, [idt(p, stats, kind), str(g), self.dkind[p], fd(*self.some_date(1995, 2026), stats), ""]))
            for p in self.unmatched_sample(0.03):
                out.append((p, [idt(p, stats, kind), str(rng.randint(1, 4)), "physical",
                                fd(*self.some_date(2000, 2026), stats), ""]))
        elif kind == "serious_illness":
            for p, s in enumerate(self.serious):
                if s:
                    out.append((p, [idt(p, stats, kind), s, fd(*self.some_date(2012, 2026), stats)]))
            for p in self.unmatched_sample(0.02):
                out.append((p, [idt(p, stats, kind), rng.choice(DISEASES), fd(*self.some_date(2015, 2026), stats)]))
        elif kind == "medical_costs":
            for p, rows in enumerate(self.medical):
                if rows:
                    for (y, m), fen in rows:
                        out.append((p, [idt(p, stats, kind), fm(y, m, stats), fen_str(fen)]))
            for p in self.unmatched_sample(0.15):
                y, m = rng.choice(WINDOW)
                out.append((p, [idt(p, stats, kind), fm(y, m, stats), fen_str(rng.randint(5000, 300000))]))
        elif kind == "pensions":
            for p, rows in enumerate(self.pension):
                if rows:
                    month = fm(2026, 11, stats)
                    for k, fen in rows:
                        out.append((p, [idt(p, stats, kind), k, month, fen_str(fen)]))
            for p in self.unmatched_sample(0.1):
                out.append((p, [idt(p, stats, kind), "employee", fm(2026, 11, stats),
                                fen_str(rng.randint(150000, 450000))]))
        elif kind == "wages":
            for p, fen in enumerate(self.wages):
                if fen:
                    y, m = rng.choice([(2026, 11)] * 8 + [(2026, 10), (2026, 9)])
                    out.append((p, [idt(p, stats, kind), fm(y, m, stats), fen_str(fen)]))
            for p in self.unmatched_sample(0.7):
                out.append((p, [idt(p, stats, kind), fm(2026, 11, stats), fen_str(rng.randint(250000, 900000))]))
        elif kind == "unemployment":
            for p, u in enumerate(self.unemployment):
                if u:
                    out.append((p, [idt(p, stats, kind), fd(*u[0], stats), fd(*u[1], stats) if u[1] else ""]))
            for p in self.unmatched_sample(0.05):
                out.append((p, [idt(p, stats, kind), fd(*self.some_date(2024, 2026), stats), ""]))
        elif kind == "vehicles":
            for p, k, fen in self.vehicles:
                out.append((p, [idt(p, stats, kind), k, fen_str(fen), fd(*self.some_date(2008, 2026), stats)]))
            for p in self.unmatched_sample(0.3):
                out.append((p, [idt(p, stats, kind), "car", fen_str(rng.randint(3000000, 20000000)),
                                fd(*self.some_date(2010, 2026), stats)]))
        elif kind == "real_estate":
            for p, use, tenths in self.properties:
                out.append((p, [idt(p, stats, kind), use, f"{tenths // 10}.{tenths % 10}",
                                fd(*self.some_date(1998, 2026), stats)]))
            for p in self.unmatched_sample(0.3):
                out.append((p, [idt(p, stats, kind), "residential", f"{rng.randint(60, 140)}.0",
                                fd(*self.some_date(2005, 2026), stats)]))
        elif kind == "business":
            for p, b in enumerate(self.business):
                if b:
                    out.append((p, [idt(p, stats, kind), b[0], b[1], fen_str(b[2]) if b[2] is not None else "",
                                    fd(*self.some_date(2005, 2026), stats)]))
            for p in self.unmatched_sample(0.1):
                out.append((p, [idt(p, stats, kind), "individual", "active", fen_str(rng.randint(200000, 800000)),
                                fd(*self.some_date(2010, 2026), stats)]))
        elif kind == "students":
            for p, s in enumerate(self.student):
                if s:
                    out.append((p, [idt(p, stats, kind), s[0], str(s[1])]))
            for p in self.unmatched_sample(0.05):
                out.append((p, [idt(p, stats, kind), "higher", "2026"]))
        elif kind == "rural_monitoring":
            for hh, (p, cat, fen) in self.monitoring.items():
                out.append((p, [idt(p, stats, kind), cat, fen_str(fen), fd(*self.some_date(2021, 2026), stats)]))
        else:
            raise KeyError(kind)
        return out, stats

    def unmatched_sample(self, share):
        """Some of the people registered elsewhere (a share of them), for one kind's rows."""
        return [p for p in self.unmatched if self.rng.random() < share]

    # --- refused rows -------------------------------------------------------------------------
    def bad_row(self, kind, fields, p, values, fault):
        """A copy of person p's row made unreadable by one fault; None when the kind has no such
        field."""
        rng = self.rng
        spec = self.specs[kind]
        v = list(values)
        idx = {name: i - 1 for i, name in enumerate(fields)}  # values lack record_id
        types = {f["name"]: f for f in spec["fields"]}
        if fault == "missing_required":
            req = [f["name"] for f in spec["fields"] if f.get("constraints", {}).get("required")
                   and f["name"] != "record_id"]
            v[idx[rng.choice(req)]] = ""
        elif fault == "unknown_enum":
            enums = [f["name"] for f in spec["fields"] if f.get("constraints", {}).get("enum")]
            if not enums:
                return None
            name = rng.choice(enums)
            bad = {"relation": "户主", "county": "济宁市", "area": "城镇", "kind": "other_kind", "status": "注销",
                   "use": "住宅", "category": "低保户", "level": "kindergarten"}.get(name, "unknown")
            assert bad not in types[name]["constraints"]["enum"]
            v[idx[name]] = bad
        elif fault == "negative_amount":
            nums = [f["name"] for f in spec["fields"] if f["type"] == "number"]
            if not nums:
                return None
            v[idx[rng.choice(nums)]] = "-" + str(rng.randint(1, 5000)) + ".00"
        elif fault == "bad_date":
            dates = [f["name"] for f in spec["fields"] if f["type"] in ("date", "yearmonth")
                     and f.get("constraints", {}).get("required")]
            if not dates:
                return None
            name = rng.choice(dates)
            if types[name]["type"] == "date":
                v[idx[name]] = rng.choice(["2026-02-30", "2026-13-01", "N/A"])
            else:
                v[idx[name]] = rng.choice(["2026-13", "2026-00", "N/A"])
        elif fault == "bad_check_digit":
            v[0] = wrong_check_digit(self.pid_id[p], rng)
        elif fault == "excel_float_id":
            # What Excel shows of an ID number typed into a number cell: 3.70811E+17.
            full = self.pid_id[p]
            v[0] = f"{full[0]}.{full[1:6]}E+17"
        elif fault == "out_of_range":
            ints = [f["name"] for f in spec["fields"] if f["type"] == "integer"]
            if not ints:
                return None
            name = rng.choice(ints)
            c = types[name]["constraints"]
            v[idx[name]] = str(c["maximum"] + rng.randint(1, 3))
        return v

    FAULTS = ["missing_required", "unknown_enum", "negative_amount", "bad_date", "bad_check_digit",
              "excel_float_id", "out_of_range"]

    def register_refusals(self, rows, fields, stats):
        """Refused register rows replace the person's own row: they are in no household."""
        rng = self.rng
        self.refused_register = set()
        candidates = [i for i, (p, _) in enumerate(rows) if not self.protected(p)]
        for fault in self.FAULTS:
            k = int(round(len(rows) * RATE_BAD))
            if k == 0:
                continue
            for i in rng.sample(candidates, k):
                p, v = rows[i]
                if p in self.refused_register:
                    continue
                bad = self.bad_row("household_register", fields, p, v, fault)
                if bad is None:
                    break
                rows[i] = (p, bad)
                self.refused_register.add(p)
                stats["refused"][fault] = stats["refused"].get(fault, 0) + 1

    def finish_rows(self, kind, fields, rows, stats):
        """Refused rows, repeats, record numbers and order: the list of rows to write."""
        rng = self.rng
        prefix = PREFIX[kind]
        good = len(rows)
        extra = []
        if kind != "household_register" and good:
            for fault in self.FAULTS:
                k = int(round(good * RATE_BAD))
                for _ in range(k):
                    p, v = rows[rng.randrange(good)]
                    if kind == "deaths":
                        # A refused death leaves a living person in their household.
                        p = rng.choice(rng.choice(self.alive_households)[1])
                        v = [self.pid_id[p], "2026-05-01"]
                    bad = self.bad_row(kind, fields, p, v, fault)
                    if bad is None:
                        break
                    extra.append((p, bad))
                    stats["refused"][fault] = stats["refused"].get(fault, 0) + 1
        if kind == "household_register":
            allrows = [(p, v, p in self.refused_register) for p, v in rows]
        else:
            allrows = [(p, v, False) for p, v in rows] + [(p, v, True) for p, v in extra]
            rng.shuffle(allrows)
        out = []
        width = max(7, len(str(len(allrows))))
        year = "2026"
        for i, (p, v, _) in enumerate(allrows):
            out.append([f"{prefix}{year}{i + 1:0{width}d}"] + v)
        # Repeats: the same record (same record_id) again, right after it; only of good rows.
        k = int(round(good * RATE_DUPLICATE))
        if k:
            repeat = set(rng.sample([i for i, row in enumerate(allrows) if not row[2]], k))
            final = []
            for i, row in enumerate(out):
                final.append(row)
                if i in repeat:
                    final.append(row)
            out = final
            stats["repeated_rows"] = k
        return out

    # --- the truth ----------------------------------------------------------------------------
    def truth(self):
        """The households as the importer should assemble them, with their §3.5 requests."""
        self.alive_households = []
        registered = lambda p: p not in self.refused_register  # noqa: E731
        vehicles = {}
        houses = {}
        for p, k, fen in self.vehicles:
            if k != "disability":
                vehicles[p] = vehicles.get(p, 0) + fen
        for p, use, _ in self.properties:
            if use == "residential":
                houses[p] = houses.get(p, 0) + 1
        for hh, pids in enumerate(self.hh_members):
            members = [p for p in pids if registered(p) and not self.dead[p]]
            if not members:
                continue
            self.alive_households.append((hh, members, sum(vehicles.get(p, 0) for p in members),
                                          sum(houses.get(p, 0) for p in members)))

    def member_json(self, p, members):
        a = self.pid_age[p]
        g = self.grade[p]
        student = self.student[p] is not None and self.student[p][1] >= YEAR - 1
        severe = g in (1, 2) or self.serious[p] is not None
        b = self.business[p]
        u = self.unemployment[p]
        open_unemployed = u is not None and u[1] is None
        employed = (self.wages[p] > 0 or (b is not None and b[1] == "active")) and not open_unemployed
        incomes = []
        if self.wages[p]:
            incomes.append({"kind": "wages", "monthly": self.wages[p] / 100})
        if b and b[1] == "active" and b[2]:
            incomes.append({"kind": "business", "monthly": b[2] / 100})
        if self.pension[p]:
            counted = sum(f for k, f in self.pension[p] if k != "resident_basic_central")
            exempt = sum(f for k, f in self.pension[p] if k == "resident_basic_central")
            if counted:
                incomes.append({"kind": "pension", "monthly": counted / 100})
            if exempt:
                incomes.append({"kind": "basic_pension_central", "monthly": exempt / 100})
        if self.farming[p]:
            incomes.append({"kind": "farming", "monthly": self.farming[p] / 100})
        return {
            "age": a,
            "disability_grade": g or None,
            "disability_kind": self.dkind[p] if g else None,
            "serious_illness": self.serious[p] is not None,
            "can_work": 16 <= a <= 59 and not student and not severe,
            "employed": employed,
            "student": student,
            "has_able_supporter": self.has_supporter(p, members),
            "self_care": "full",
            "incomes": incomes,
        }

    def able(self, p, area):
        """Able to support: no disability of grade 1-2, no serious illness, and of working age
        (18-59) or with a counted income of at least the area's dibao standard."""
        if self.grade[p] in (1, 2) or self.serious[p] is not None:
            return False
        return 18 <= self.pid_age[p] <= 59 or self.counted(p) >= self.standards[area]["std"]

    def has_supporter(self, p, members):
        area = self.hh_place[self.pid_hh[p]][3]
        return any(q != p and self.pid_rel[q] != "other" and self.able(q, area) for q in members)

    def household_json(self, hh, members, veh, houses):
        rigid = 0
        for p in members:
            if self.medical[p]:
                rigid += sum(f for _, f in self.medical[p])
        mon = self.monitoring.get(hh)
        special = mon is not None and mon[1] == "sudden_hardship" and mon[0] in members
        return {
            "id": self.hh_no[hh],
            "area": self.hh_place[hh][3],
            "members": [self.member_json(p, members) for p in members],
            "assets": {"financial": 0.0, "vehicles_value": veh / 100, "houses_owned": houses},
            "rigid_expenses_12m": rigid / 100,
            "housing_difficulty": False,
            "special_hardship": special,
            "emergency": None,
        }

    def screen_all(self):
        """Runs the five candidate programmes over the true households."""
        self.recommended = {}
        self.eligible_counts = {}
        for hh, members, veh, houses in self.alive_households:
            area = self.hh_place[hh][3]
            rigid = 0
            rows = []
            for p in members:
                if self.medical[p]:
                    rigid += sum(f for _, f in self.medical[p])
                rows.append((self.pid_age[p], self.grade[p], self.dkind[p], self.serious[p] is not None,
                             self.counted(p), self.has_supporter(p, members)))
            rec, eligible = recommend(self.standards[area], rows, veh, houses, rigid)
            for e in eligible:
                self.eligible_counts[e] = self.eligible_counts.get(e, 0) + 1
            if rec:
                self.recommended[hh] = rec


# ------------------------------------------------------------------------------------------------
# Writing.

def write_csv(path, header, rows, bom, crlf):
    nl = "\r\n" if crlf else "\n"
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(",".join(header) + nl)
        chunk = []
        for row in rows:
            chunk.append(",".join(row))
            if len(chunk) >= 20000:
                f.write(nl.join(chunk) + nl)
                chunk = []
        if chunk:
            f.write(nl.join(chunk) + nl)


def xlsx_value(spec_field, text):
    """A cell as Excel would hold it: dates as dates, numbers as numbers, ID numbers as text."""
    if text == "":
        return None
    t = spec_field["type"]
    if t == "date":
        if len(text) == 10 and text[4] == "-":
            try:
                return date(int(text[:4]), int(text[5:7]), int(text[8:]))
            except ValueError:
                return text
        if text.isdigit() and len(text) == 5:
            return int(text)
        return text
    if t == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if t == "number":
        try:
            return float(text)
        except ValueError:
            return text
    return text


def write_xlsx(path, spec, header, rows):
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:
        sys.exit("--xlsx needs openpyxl (the bench installs it into .tools/bench-venv)")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec["name"])
    fields = {f["name"]: f for f in spec["fields"]}
    kinds = [fields.get(h) for h in header]
    ws.append(header)
    for row in rows:
        out = []
        for f, text in zip(kinds, row):
            if f is None:
                out.append(text)
                continue
            v = xlsx_value(f, text)
            if isinstance(v, date):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = "yyyy-mm-dd"
                out.append(c)
            elif f["name"] == "id_number" and v is not None and v[-4:] == "E+17":
                out.append(float(v))  # what Excel keeps of a number typed into a number cell
            else:
                out.append(v)
        ws.append(out)
    wb.save(path)


# Layout faults: some files reorder their columns, one has a column the spec does not name,
# some start with a byte-order mark, some end lines with CR/LF.
SHUFFLED = {"vehicles", "real_estate"}
EXTRA_COLUMN = {"wages": ("employer", 2)}
BOM = {"household_register", "pensions", "disability"}
CRLF = {"household_register", "medical_costs", "business"}


def new_stats():
    return {"date_slash": 0, "date_compact": 0, "date_serial": 0, "month_slash": 0, "month_compact": 0,
            "id_17_digits": 0, "id_15_digits": 0, "household_no_zeros_lost": 0, "refused": {},
            "repeated_rows": 0}


def write_kind(g, kind, rows_and_stats, out_dir, xlsx_kinds):
    """Writes one kind's file(s) from its true rows; returns its manifest entry."""
    rows, stats = rows_and_stats
    spec = g.specs[kind]
    fields = spec_fields(spec)
    for _, v in rows:
        assert len(v) == len(fields) - 1, (kind, v)
    if kind == "household_register":
        matched = len(rows) - sum(stats["refused"].values())
    else:
        refused_register = g.refused_register
        pid_hh = g.pid_hh
        matched = sum(1 for p, _ in rows if pid_hh[p] >= 0 and p not in refused_register)
    final = g.finish_rows(kind, fields, rows, stats)
    header = list(fields)
    if kind in SHUFFLED:
        perm = header[:]
        while perm == header:
            g.rng.shuffle(perm)
        index = [header.index(h) for h in perm]
        final = [[r[i] for i in index] for r in final]
        header = perm
    if kind in EXTRA_COLUMN:
        name, at = EXTRA_COLUMN[kind]
        header = header[:at] + [name] + header[at:]
        pick = g.rng.choice
        final = [r[:at] + [pick(EMPLOYERS)] + r[at:] for r in final]
    write_csv(os.path.join(out_dir, kind + ".csv"), header, final, kind in BOM, kind in CRLF)
    if kind in xlsx_kinds:
        write_xlsx(os.path.join(out_dir, kind + ".xlsx"), spec, header, final)
    refused = sum(stats["refused"].values())
    repeated = stats.pop("repeated_rows")
    entry = {
        "rows": len(final),
        "refused": refused,
        "refused_by_fault": stats.pop("refused"),
        "repeated_rows": repeated,
        "accepted": len(final) - refused - repeated,
        "accepted_in_register": matched,
        "accepted_not_in_register": len(final) - refused - repeated - matched,
        "columns": header,
        "byte_order_mark": kind in BOM,
        "crlf": kind in CRLF,
    }
    entry.update({k: v for k, v in stats.items() if v})
    if kind in xlsx_kinds:
        entry["xlsx"] = True
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--residents", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--xlsx", default="", help="kinds also written as .xlsx, comma-separated")
    ap.add_argument("--households-out", help="write the §3.5 request of every household here (JSON lines)")
    ap.add_argument("--summary", action="store_true", help="print the places with candidates as JSON")
    ap.add_argument("--poor-share", type=float, help="every household's chance of being poor (the recipients bench: a "
                    "population of assisted households), instead of the shares by household type")
    args = ap.parse_args()
    started = time.monotonic()
    # Millions of small lists and no reference cycles: the cycle collector would only rescan them.
    gc.disable()
    specs = load_specs()
    xlsx_kinds = [k for k in args.xlsx.split(",") if k]
    for k in xlsx_kinds:
        if k not in KINDS:
            sys.exit(f"--xlsx: unknown kind {k}")
    # The values written must be the spec's.
    assert set(c[0] for c in COUNTIES) == set(spec_enum(specs["household_register"], "county"))
    os.makedirs(args.out, exist_ok=True)

    g = Generator(args.residents, args.seed, specs)
    g.poor_share = args.poor_share
    g.people()
    g.facts()
    g.deaths()

    manifest = {"generator": hashlib.sha256(open(__file__, "rb").read()).hexdigest()[:16],
                "residents": args.residents, "seed": args.seed, "as_of": AS_OF.isoformat(), "kinds": {}}
    # The register first: which of its rows are refused decides the households.
    register = g.kind_rows("household_register", new_stats())
    register_stats = register[1]
    g.register_refusals(register[0], spec_fields(specs["household_register"]), register_stats)
    g.truth()
    # The other 12 kinds are written by a second process (the machine's other core) while this one
    # writes the register and screens; each process's draws are the same on every run.
    others = [k for k in KINDS if k != "household_register"]
    side = os.path.join(args.out, ".kinds.json")
    child = os.fork() if hasattr(os, "fork") else None
    if child == 0:
        status = 1
        try:
            entries = {k: write_kind(g, k, g.kind_rows(k, new_stats()), args.out, xlsx_kinds) for k in others}
            with open(side, "w", encoding="utf-8") as f:
                json.dump(entries, f)
            status = 0
        except BaseException:
            # os._exit below would leave without the traceback: print it first.
            import traceback
            traceback.print_exc()
        finally:
            os._exit(status)
    entries = {"household_register": write_kind(g, "household_register", register, args.out, xlsx_kinds)}
    g.screen_all()
    alive_people = sum(len(m) for _, m, _, _ in g.alive_households)
    by_programme = {}
    for rec in g.recommended.values():
        by_programme[rec] = by_programme.get(rec, 0) + 1
    manifest["register"] = {
        "persons": sum(len(p) for p in g.hh_members) - len(g.refused_register),
        "persons_died": sum(1 for p in range(len(g.pid_hh)) if g.dead[p] and g.pid_hh[p] >= 0
                            and p not in g.refused_register),
        "households_registered": len({g.pid_hh[p] for pids in g.hh_members for p in pids
                                      if p not in g.refused_register}),
    }
    manifest["expected"] = {
        "persons": alive_people,
        "households": len(g.alive_households),
        "candidates": len(g.recommended),
        "recommended": dict(sorted(by_programme.items())),
        "eligible": dict(sorted(g.eligible_counts.items())),
    }
    if args.households_out:
        with open(args.households_out, "w", encoding="utf-8") as f:
            buf = []
            for hh, members, veh, houses in g.alive_households:
                buf.append(json.dumps(g.household_json(hh, members, veh, houses), ensure_ascii=False,
                                      separators=(",", ":")))
                if len(buf) >= 10000:
                    f.write("\n".join(buf) + "\n")
                    buf = []
            if buf:
                f.write("\n".join(buf) + "\n")
    if child is None:
        entries.update({k: write_kind(g, k, g.kind_rows(k, new_stats()), args.out, xlsx_kinds) for k in others})
    else:
        _, status = os.waitpid(child, 0)
        if status != 0:
            sys.exit("writing the department files failed (above)")
        with open(side, encoding="utf-8") as f:
            entries.update(json.load(f))
        os.remove(side)
    manifest["kinds"] = {k: entries[k] for k in KINDS}
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
    if args.summary:
        print(json.dumps(summary(g, manifest), ensure_ascii=False, indent=2))
    print(f"generated {args.residents} residents, {manifest['expected']['households']} households, "
          f"{sum(e['rows'] for e in manifest['kinds'].values())} rows in {time.monotonic() - started:.1f} s",
          file=sys.stderr)


def summary(g, manifest):
    places = {}
    for hh, rec in g.recommended.items():
        ci, township, village, _ = g.hh_place[hh]
        key = (COUNTIES[ci][0], township, village)
        entry = places.setdefault(key, {"county": key[0], "township": township, "village": village,
                                        "candidates": 0, "recommended": {}})
        entry["candidates"] += 1
        entry["recommended"][rec] = entry["recommended"].get(rec, 0) + 1
    showcase = []
    for hh, pids in enumerate(g.hh_members):
        if not g.hh_showcase[hh]:
            continue
        ci, township, village, area = g.hh_place[hh]
        s = next(s for s in SHOWCASE if s["township"] == township)
        showcase.append({"county": COUNTIES[ci][0], "township": township, "village": village, "area": area,
                         "household_no": g.hh_no[hh], "head": g.pid_name[pids[0]], "members": len(pids),
                         "recommended": g.recommended.get(hh), "what": s["what"]})
    return {
        "residents": manifest["residents"],
        "seed": manifest["seed"],
        "households": manifest["expected"]["households"],
        "candidates": manifest["expected"]["candidates"],
        "recommended": manifest["expected"]["recommended"],
        "showcase": showcase,
        "places": sorted(places.values(), key=lambda e: (-e["candidates"], e["county"], e["township"],
                                                          e["village"])),
    }


if __name__ == "__main__":
    main()
