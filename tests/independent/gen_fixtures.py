#!/usr/bin/env python3
"""Independent fixture generator for careplan-check (stdlib only, Python 3).

Written separately from the Rust generator (src/fixtures): it reads only the spec data
(src/spec/fields.json), makes its own valid values, writes CSV by hand and encodes with
Python's own `cp932` codec. It writes

    OUT/valid/*.CSV                      files that must give no finding
    OUT/bad/<defect>/<name>.CSV          files with exactly one seeded defect
    OUT/units/<defect>/*.CSV             transmission units with one defect across files
    OUT/manifest.json                    [{"file", "code", "record", "field_no"[, "severity"]}, ...]
    OUT/cross_manifest.json              the same for findings across files ("file" = the
                                         first of the finding's files)

`record` is the 1-based logical CSV record (quoted line breaks stay in one record),
`field_no` the spec's 項目No.; both null for file-level findings.

Usage: gen_fixtures.py OUT [--seed N]
"""

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "src", "spec", "fields.json")

FREE = [
    "髙橋 﨑子",
    "ｶﾅ ｼﾞｮｳﾎｳ",
    "①入浴介助、②排泄介助",
    'デイサービス"ひまわり"',
    "朝の\r\n見守り",
    "東京都港区芝公園４－２－８，５階",
    "様子,変化なし",
]

# The 居宅 (type 43) and the provider (type 13 for 予定 and most files). A 実績 (UPJSK) goes
# from a 福祉用具 provider (type 17) to the 居宅 and holds only its own サービス種類.
OFFICE_FROM, OFFICE_TO = "2710000011", "2710000022"
ACTUAL_TYPE = "17"


class Gen:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        with open(SPEC, encoding="utf-8") as f:
            self.spec = json.load(f)
        self.kinds = {k["id"]: k for k in self.spec["files"]}
        self.manifest = []
        # Findings across files: [{"file" (the first of the finding's files), "code",
        # "record", "field_no"}]; each must be among the run's cross_file findings.
        self.cross_manifest = []
        self.fixed_users = None

    # ---- values -------------------------------------------------------------------------
    def digits(self, n):
        return "".join(self.rnd.choice("0123456789") for _ in range(n))

    def value(self, f, ctx):
        name, typ, n = f["name_ja"], f["type"], f["max_len"]
        note = f.get("note", "")
        if f["required"] == "cond" or typ == "":
            return ""
        if name == "CSVバージョン":
            return ctx["version"]
        if name in ("対象年月", "削除対象年月"):
            return ctx["month"]
        if name == "保険者番号":
            return ctx["insurer"]
        if name == "被保険者番号":
            return ctx["insured"]
        if "9999999999を固定" in note or "always set 9999999999" in note:
            return "9999999999"
        if f.get("codes"):
            return self.rnd.choice(sorted(f["codes"]))
        if typ.startswith("free text"):
            return self.rnd.choice(FREE)
        if typ == "日付 YYYYMMDD":
            return ctx["month"] + "%02d" % self.rnd.randint(1, 28)
        if typ == "数字 YYYYMM":
            return ctx["month"]
        if typ in ("HHMM", "HHMM or 9999"):
            return "%02d%02d" % (self.rnd.randint(0, 23), self.rnd.randint(0, 59))
        if typ == "XXX-XXXX":
            return self.digits(3) + "-" + self.digits(4)
        if typ == "数字 1-99":
            return str(self.rnd.randint(1, 99))
        if typ == "数値 99.99":
            return "%d.%02d" % (self.rnd.randint(10, 11), self.rnd.randint(0, 99))
        if typ == "英字":
            return "Y"
        if typ.startswith("英数"):
            return self.digits(min(n or 10, 10)) if n and n >= 10 else self.digits(n or 2)
        if typ in ("数字", "整数"):
            if n == 10:
                return self.digits(10)
            if n == 6 and name == "保険者番号":
                return self.digits(6)
            return str(self.rnd.randint(0, 10 ** min(n, 4) - 1))
        return ""

    def row(self, layout, ctx):
        return [[self.value(f, ctx), f["type"].startswith("free text")] for f in layout]

    # ---- files --------------------------------------------------------------------------
    def layout(self, kind, gen):
        k = self.kinds[kind]
        if gen == "V3" and "fields_v3_reconstructed" in k:
            return k["fields_v3_reconstructed"]
        return k["fields"]

    @staticmethod
    def col(layout, name):
        for f in layout:
            if f["name_ja"] == name:
                return f["no"] - 1
        return None

    def users(self):
        if self.fixed_users is not None:
            return self.fixed_users
        return [("271007", self.digits(10)), ("271007", "H" + self.digits(9)), ("271008", self.digits(10))]

    def rows(self, kind, gen, ctx):
        lay = self.layout(kind, gen)
        c = lambda name: self.col(lay, name)
        out = []
        for insurer, insured in self.users():
            u = dict(ctx, insurer=insurer, insured=insured)
            if kind in ("UPPLAN", "UPJSK"):
                # 予定: the receiving provider's 13 rows (and a 17 row of another provider);
                # 実績: the sending 17 provider's rows only.
                mine = []
                for _ in range(self.rnd.randint(1, 3)):
                    r = self.row(lay, u)
                    r[c("サービスコード")][0] = "13" + self.digits(4)
                    r[c("サービス開始時刻")][0] = "0930"
                    r[c("サービス終了時刻")][0] = "1030"
                    r[c("サービス事業者コード")][0] = OFFICE_TO
                    mine.append(r)
                if kind == "UPPLAN":
                    out.extend(mine)
                welfare = 1 if kind == "UPPLAN" else self.rnd.randint(1, 3)
                for _ in range(welfare if gen == "V4" else 0):
                    r = self.row(lay, u)
                    r[c("サービスコード")][0] = "17" + self.digits(4)
                    r[c("福祉用具届出コード")][0] = "K" + self.digits(11)
                    r[c("用具名称（機種名）")] = ["車いす「ﾗｸﾗｸ」①型", True]
                    r[c("サービス開始時刻")][0] = "9999"
                    r[c("サービス終了時刻")][0] = "9999"
                    out.append(r)
                if kind == "UPJSK" and gen == "V3":
                    out.extend(mine)
                for r in out:
                    r[c("プラン担当業者コード")][0] = OFFICE_FROM
            elif kind == "UPSIKYU":
                def put(code, office=None, summary=False):
                    r = self.row(lay, u)
                    r[c("サービスコード")][0] = code
                    if office:
                        r[c("サービス事業所コード")][0] = office
                    if summary:
                        r[c("単位数")][0] = "0"
                        r[c("割引後率")][0] = ""
                        r[c("割引後単位数")][0] = ""
                    out.append(r)
                put("13" + self.digits(4))
                put("13" + self.digits(4))
                put("13AAAA", summary=True)
                put("15" + self.digits(4))
                put("999999", office="9999999999", summary=True)
            else:
                out.append(self.row(lay, u))
        if kind == "UPHOSOKU":
            for r in out:
                if ctx["plan_set"]:
                    r[3][0] = ctx["month"] + "10"
                    r[62][0] = "000000"
                else:
                    r[3][0] = "00000000"
                    r[62][0] = ctx["month"]
        return out

    def name(self, kind, gen, ctx, token=None):
        k = self.kinds[kind]
        parts = [kind]
        if k["filename_pattern_v4"].startswith("^%s_(\\d{6})_" % kind):
            parts.append(token or ctx["month"])
        if kind == "UPJSK":
            parts += [OFFICE_TO, ACTUAL_TYPE, OFFICE_FROM, "43"] if gen == "V4" else [OFFICE_TO, OFFICE_FROM]
        elif gen == "V4":
            parts += [OFFICE_FROM, "43", OFFICE_TO, "13"]
        else:
            parts += [OFFICE_FROM, OFFICE_TO]
        parts.append(ctx["seq"])
        return "_".join(parts) + ".CSV"

    @staticmethod
    def text(rows):
        lines = []
        for r in rows:
            cells = []
            for v, quoted in r:
                cells.append('"' + v.replace('"', '""') + '"' if quoted else v)
            lines.append(",".join(cells) + "\r\n")
        return "".join(lines)

    def write(self, out, rel, data):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def expect(self, rel, code, record, field_no, severity=None):
        m = {"file": rel, "code": code, "record": record, "field_no": field_no}
        if severity:
            m["severity"] = severity
        self.manifest.append(m)

    # ---- the run ------------------------------------------------------------------------
    def run(self, out):
        v4 = dict(version="202407", month="202506", seq="20250520101500", plan_set=False)
        v3 = dict(version="202208", month="202411", seq="20241020101500", plan_set=False)
        for gen, ctx in (("V4", v4), ("V3", v3)):
            for kind, k in self.kinds.items():
                if gen == "V3" and not k.get("filename_pattern_v3"):
                    continue
                data = self.text(self.rows(kind, gen, ctx)).encode("cp932")
                self.write(out, "valid/" + self.name(kind, gen, ctx), data)
            plan = dict(ctx, plan_set=True)
            data = self.text(self.rows("UPHOSOKU", gen, plan)).encode("cp932")
            self.write(out, "valid/" + self.name("UPHOSOKU", gen, plan, "000000"), data)
        self.defects(out, v4)
        self.every_kind(out, v4)
        self.valid_uncertain(out, v4)
        self.cross_file(out, v4)

    def bad(self, out, tag, kind, ctx, mutate, gen="V4", token=None, encoding="cp932", name=None):
        rows = self.rows(kind, gen, ctx)
        lay = self.layout(kind, gen)
        expected = mutate(rows, lay)
        rel = "bad/%s/%s" % (tag, name or self.name(kind, gen, ctx, token))
        text = self.text(rows)
        data = text.encode(encoding)
        data = data.replace("@FF@".encode(encoding), b"\xff").replace("@GAIJI@".encode(encoding), b"\xf0\x40")
        self.write(out, rel, data)
        for e in expected:
            self.expect(rel, *e)

    def pick(self, rows, lay, pred=lambda f: True):
        """A random (record index, field) whose field satisfies pred."""
        fields = [f for f in lay if pred(f)]
        f = self.rnd.choice(fields)
        return self.rnd.randrange(len(rows)), f

    def defects(self, out, ctx):
        rnd = self.rnd

        def insured(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][2][0] = "12345"
            return [("FIELD_FORMAT", i + 1, 3)]
        self.bad(out, "insured_short", "UP1KYO", ctx, insured)

        def insured_h(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][2][0] = "H1234E6789"
            return [("INSURED_NUMBER_H", i + 1, 3)]
        self.bad(out, "insured_h", "UP2KYO", ctx, insured_h)

        def bad_date(rows, lay):
            i, f = self.pick(rows, lay, lambda f: f["type"] == "日付 YYYYMMDD" and f["name_ja"] != "サービス利用日")
            rows[i][f["no"] - 1][0] = ctx["month"] + "31" if ctx["month"].endswith("06") else "20250230"
            return [("FIELD_DATE", i + 1, f["no"])]
        for kind in ("UP1KYO", "UPKIHON", "UPYOBO"):
            self.bad(out, "bad_date_" + kind, kind, ctx, bad_date)

        def required(rows, lay):
            safe = {"UPPLAN": [4, 12, 13, 14, 20, 23]}
            i = rnd.randrange(len(rows))
            no = rnd.choice(safe["UPPLAN"])
            rows[i][no - 1][0] = ""
            return [("FIELD_REQUIRED", i + 1, no)]
        self.bad(out, "required_empty", "UPPLAN", ctx, required)

        def too_long(rows, lay):
            i, f = self.pick(rows, lay, lambda f: f["type"] == "整数" and f["max_len"] and not f.get("confidence", "high").startswith(("medium", "low")))
            rows[i][f["no"] - 1][0] = "1" * (f["max_len"] + 1)
            return [("FIELD_TOO_LONG", i + 1, f["no"])]
        self.bad(out, "too_long", "UPHOSOKU", ctx, too_long)

        def bad_code(rows, lay):
            i, f = self.pick(rows, lay, lambda f: f.get("codes") and f["max_len"] == 1 and "9" not in f["codes"])
            rows[i][f["no"] - 1][0] = "9"
            return [("FIELD_CODE", i + 1, f["no"])]
        for kind in ("UPKIHON", "UPYOBO", "UP1KYO"):
            self.bad(out, "bad_code_" + kind, kind, ctx, bad_code)

        # A column after No.3 missing: one COLUMN_COUNT for the file, on its first such
        # record; No.1-3 are still checked (here: a 保険者番号 of 5 digits).
        def columns(rows, lay):
            i = rnd.randrange(len(rows))
            del rows[i][rnd.randrange(3, len(lay))]
            return [("COLUMN_COUNT", i + 1, None)]
        self.bad(out, "column_missing", "UP2KYO", ctx, columns)

        def columns_twice(rows, lay):
            i, j = sorted(rnd.sample(range(len(rows)), 2))
            for k in (i, j):
                rows[k].append(["", False])
            rows[j][1][0] = rows[j][1][0][:5]
            return [("COLUMN_COUNT", i + 1, None), ("FIELD_FORMAT", j + 1, 2)]
        # (Kinds without rules across records: a record skipped for its column count would
        # also be missing from those rules.)
        for kind in ("UP1KYO", "UPKIHON", "UPYOBO"):
            self.bad(out, "column_extra_" + kind, kind, ctx, columns_twice)

        def invalid(marker, code):
            def m(rows, lay):
                i, f = self.pick(rows, lay, lambda f: f["type"].startswith("free text"))
                cell = rows[i][f["no"] - 1]
                cell[0] = cell[0][:1] + marker + cell[0][1:]
                return [(code, i + 1, f["no"])]
            return m
        self.bad(out, "invalid_byte", "UPKIHON", ctx, invalid("@FF@", "ENCODING_INVALID"))
        self.bad(out, "gaiji", "UP2KYO", ctx, invalid("@GAIJI@", "ENCODING_GAIJI"))
        self.bad(out, "utf8", "UP3KYO", ctx, lambda rows, lay: [("ENCODING_UTF8", None, None)], encoding="utf-8")

        def month_mixed(rows, lay):
            i = rnd.randrange(1, len(rows))
            rows[i][4][0] = "202507"
            rows[i][9][0] = "20250715"
            return [("SERVICE_MONTH_MIXED", i + 1, 5)]
        self.bad(out, "month_mixed", "UPPLAN", ctx, month_mixed)

        def no_total(rows, lay):
            # User 2 (records 6-10): drop its 全合計 row; the finding points at its first row.
            del rows[9]
            return [("TOTAL_ROW_MISSING", 6, 9)]
        self.bad(out, "no_total", "UPSIKYU", ctx, no_total)

        def welfare(rows, lay):
            idx = [i for i, r in enumerate(rows) if r[14][0].startswith("17")]
            i = rnd.choice(idx)
            rows[i][16][0] = ""
            return [("WELFARE_EQUIPMENT_CODE", i + 1, 16)]
        self.bad(out, "welfare_no_code", "UPJSK", ctx, welfare)

        def version(rows, lay):
            for r in rows:
                r[0][0] = "202410"
            return [("VERSION_UNKNOWN", 1, 1)]
        self.bad(out, "version_202410", "UPPLAN", ctx, version)

        v3_late = dict(ctx, version="202208")
        self.bad(out, "v3_in_2025", "UPPLAN", v3_late, lambda rows, lay: [("VERSION_V3_AFTER_V4", 1, 1)], gen="V3")

        def hosoku(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][62][0] = "202505"
            return [("HOSOKU_TARGET_MONTH", i + 1, 63)]
        self.bad(out, "hosoku_plan_month", "UPHOSOKU", dict(ctx, plan_set=True), hosoku, token="000000")

        def stray(rows, lay):
            i, f = self.pick(rows, lay, lambda f: f["type"].startswith("free text"))
            rows[i][f["no"] - 1] = ['12"3', False]
            return [("CSV_STRAY_QUOTE", i + 1, f["no"])]
        self.bad(out, "stray_quote", "UPYOBO_SUB", ctx, stray)

        name9 = self.name("DLTPLAN", "V4", ctx).replace(OFFICE_TO, OFFICE_TO[1:])
        self.bad(out, "office_9_digits", "DLTPLAN", ctx, lambda rows, lay: [("FILENAME_SHAPE", None, None)], name=name9)


    # ---- every constraint kind, for every file kind ------------------------------------
    # Fields that rules across fields or records also read: a defect there would give more
    # than its one finding, so the per-kind defects below leave them alone.
    CROSS = {"CSVバージョン", "対象年月", "削除対象年月", "サービス利用日", "サービスコード",
             "サービス事業者コード", "プラン担当業者コード", "サービス事業所コード", "事業所コード",
             "単位数", "割引後率", "割引後単位数", "居宅サービス計画作成（変更）日"}
    KEYED = {"UPPLAN", "UPJSK", "UPSIKYU"}  # the user key (保険者番号+被保険者番号) matters
    EXACT_TYPES = ("日付 YYYYMMDD", "数字 YYYYMM", "HHMM", "HHMM or 9999", "XXX-XXXX")
    # Rows whose 必須 mark the spec is unsure of (fields.json confidence below high, about ○).
    UNSURE_REQUIRED = {"UPHOSOKU": (5, 6, 7, 8), "UPPLAN": (6, 7, 8), "UPJSK": (6, 7, 8)}

    @staticmethod
    def sure(f):
        c = f.get("confidence") or "high"
        return c.replace("reconstructed from V4 (", "").startswith("high")

    def usable(self, kind, f):
        if f["name_ja"] in self.CROSS:
            return False
        if kind in self.KEYED and f["no"] in (2, 3):
            return False
        return True

    def every_kind(self, out, ctx):
        rnd = self.rnd
        for kind in self.kinds:
            lay = self.layout(kind, "V4")

            def one(tag, pred, value_of, code, severity="error"):
                fields = [f for f in lay if self.usable(kind, f) and pred(f)]
                if not fields:
                    return
                f = rnd.choice(fields)

                def m(rows, lay):
                    i = rnd.randrange(len(rows))
                    cell = rows[i][f["no"] - 1]
                    cell[0] = value_of(f, cell[0])
                    return [(code, i + 1, f["no"], severity)]
                self.bad(out, "%s_%s" % (tag, kind), kind, ctx, m)

            # format: letters in a number
            one("format", lambda f: f["type"] in ("数字", "整数") and not f.get("codes") and f["type"] != "",
                lambda f, v: "1a", "FIELD_FORMAT")
            # exact length: one character short
            one("exact_length", lambda f: f["type"] in self.EXACT_TYPES or f["name_ja"] in ("保険者番号", "被保険者番号"),
                lambda f, v: v[:-1] if len(v) > 1 else "1", "FIELD_FORMAT")
            # code: a value of the right length that is not in the list
            def not_a_code(f, v):
                n = f["max_len"] or 1
                for c in ("9" * n, "8" * n, "7" * n, "0" * n):
                    if c not in f["codes"]:
                        return c
                return "Z" * n
            one("code", lambda f: bool(f.get("codes")) and f["type"] == "数字", not_a_code, "FIELD_CODE")
            # date that does not exist
            one("date", lambda f: f["type"] in ("日付 YYYYMMDD", "数字 YYYYMM"),
                lambda f, v: "20250230" if f["type"] == "日付 YYYYMMDD" else "202513", "FIELD_DATE")
            # required, sure
            one("required", lambda f: f["required"] == "yes" and self.sure(f),
                lambda f, v: "", "FIELD_REQUIRED")
            # required, unsure: a warning
            unsure = self.UNSURE_REQUIRED.get(kind, ())
            one("required_unsure", lambda f: f["no"] in unsure, lambda f, v: "", "FIELD_REQUIRED", "warning")
            # 外字 in free text, in a row the spec is unsure of where there is one
            free = [f for f in lay if f["type"].startswith("free text")]
            if free:
                rows_unsure = [f for f in free if not self.sure(f)]

                def gaiji(rows, lay, fields=rows_unsure or free):
                    f = rnd.choice(fields)
                    i = rnd.randrange(len(rows))
                    cell = rows[i][f["no"] - 1]
                    cell[0] = cell[0][:1] + "@GAIJI@" + cell[0][1:]
                    return [("ENCODING_GAIJI", i + 1, f["no"], "error")]
                self.bad(out, "gaiji_" + kind, kind, ctx, gaiji)
        self.cross_field(out, ctx)

    def cross_field(self, out, ctx):
        rnd = self.rnd

        def plan_date(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][9][0] = "20250715"
            return [("SERVICE_DATE_MONTH", i + 1, 10, "warning")]
        self.bad(out, "cross_date_month", "UPPLAN", ctx, plan_date)

        def other_office(rows, lay):
            # One user's records all name another 居宅 as プラン担当業者.
            user = rows[rnd.randrange(len(rows))][2][0]
            first = None
            for i, r in enumerate(rows):
                if r[2][0] == user:
                    r[5][0] = "2710000099"
                    first = i + 1 if first is None else first
            return [("RECORD_OTHER_OFFICE", first, 6, "warning")]
        self.bad(out, "cross_other_office", "UPJSK", ctx, other_office)

        def other_type(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][14][0] = "13" + rows[i][14][0][2:]
            rows[i][15][0] = rows[i][16][0] = ""
            return [("SERVICE_TYPE_SENDER", i + 1, 15, "warning")]
        self.bad(out, "cross_sender_type", "UPJSK", ctx, other_type)

        def user_of_other(rows, lay):
            user = rows[rnd.randrange(len(rows))][2][0]
            first = None
            for i, r in enumerate(rows):
                if r[2][0] == user:
                    r[19][0] = "2710000099"
                    first = i + 1 if first is None else first
            return [("RECORD_OTHER_OFFICE", first, 20, "warning")]
        self.bad(out, "cross_user_of_other", "UPPLAN", ctx, user_of_other)

        def subtotal_units(rows, lay):
            i = rnd.choice([k for k, r in enumerate(rows) if r[8][0].endswith("AAAA")])
            rows[i][12][0] = "100"
            return [("SUMMARY_ROW_VALUE", i + 1, 13, "error")]
        self.bad(out, "cross_subtotal_units", "UPSIKYU", ctx, subtotal_units)

        def hosoku_date(rows, lay):
            i = rnd.randrange(len(rows))
            rows[i][3][0] = "20250601"
            return [("HOSOKU_PLAN_DATE", i + 1, 4, "error")]
        self.bad(out, "cross_hosoku_date", "UPHOSOKU", ctx, hosoku_date)

        for kind in ("DLTPLAN", "DLTJSK"):
            def delete_month(rows, lay):
                for r in rows:
                    r[3][0] = "202505"
                return [("SERVICE_MONTH_NAME", 1, 4, "error")]
            self.bad(out, "cross_delete_month", kind, ctx, delete_month)

        def unquoted(rows, lay):
            i, f = self.pick(rows, lay, lambda f: f["type"].startswith("free text"))
            rows[i][f["no"] - 1] = ["ひまわり", False]
            return [("FREE_TEXT_UNQUOTED", i + 1, f["no"], "info")]
        self.bad(out, "free_text_unquoted", "UP2KYO", ctx, unquoted)

    def cross_file(self, out, ctx):
        """A 利用票 unit (第6表 + 第7表 + 利用者補足, one 連番) whose 第7表 has a user the
        第6表 lacks: UNIT_KEY_NO_PARENT on that user's first 第7表 record, at 対象年月."""
        unit = dict(ctx, seq="20250521090000")
        users = self.users()
        for kind in ("UPPLAN", "UPHOSOKU", "UPSIKYU"):
            extra = [("271009", self.digits(10))] if kind == "UPSIKYU" else []
            self.fixed_users = users + extra
            rows = self.rows(kind, "V4", unit)
            rel = "units/key_no_parent/" + self.name(kind, "V4", unit)
            self.write(out, rel, self.text(rows).encode("cp932"))
            if kind == "UPSIKYU":
                first = 5 * len(users) + 1
                self.cross_manifest.append(
                    {"file": rel, "code": "UNIT_KEY_NO_PARENT", "record": first, "field_no": 5})
        # A plan unit (第1表 + 第2表 + 第3表 + 利用者補足 000000) whose 第2表 has a user the
        # 第1表 lacks: UNIT_KEY_NO_PARENT on it, at 居宅サービス計画作成（変更）日 (No.5).
        plan = dict(ctx, seq="20250521100000", plan_set=True)
        date = plan["month"] + "10"
        for kind in ("UP1KYO", "UP2KYO", "UP3KYO", "UPHOSOKU"):
            extra = [("271009", self.digits(10))] if kind == "UP2KYO" else []
            self.fixed_users = users + extra
            rows = self.rows(kind, "V4", plan)
            lay = self.layout(kind, "V4")
            col = self.col(lay, "居宅サービス計画作成（変更）日")
            for r in rows:
                r[col][0] = date
            token = "000000" if kind == "UPHOSOKU" else None
            rel = "units/plan_key_no_parent/" + self.name(kind, "V4", plan, token)
            self.write(out, rel, self.text(rows).encode("cp932"))
            if kind == "UP2KYO":
                self.cross_manifest.append(
                    {"file": rel, "code": "UNIT_KEY_NO_PARENT", "record": len(users) + 1,
                     "field_no": col + 1})
        self.fixed_users = None

    def valid_uncertain(self, out, ctx):
        """Valid files whose uncertain rows hold every kind of value the spec allows them."""
        def put(kind, edit, tag):
            rows = self.rows(kind, "V4", ctx)
            lay = self.layout(kind, "V4")
            edit(rows, lay)
            data = self.text(rows).encode("cp932")
            self.write(out, "valid/uncertain_%s/%s" % (tag, self.name(kind, "V4", ctx)), data)

        def service_rows(rows, lay):
            for k, r in enumerate(rows):
                r[7][0] = ("0", "-50", "120", "999999")[k % 4]  # 単位数
                if r[14][0].startswith("17"):
                    r[18][0] = ("1", "12")[k % 2]  # 明細判別コード, up to the assumed 2
        put("UPPLAN", service_rows, "plan")
        put("UPJSK", service_rows, "actual")

        def sikyu(rows, lay):
            for k, r in enumerate(rows):
                r[29][0] = ("12345", "2", "")[k % 3]  # 前月までの利用日数: up to 5
                r[33][0] = "9999999999"  # 事業所コード
                r[34][0] = ("2710000011", "")[k % 2]  # 入力者コード
        put("UPSIKYU", sikyu, "sikyu")

        def hosoku(rows, lay):
            for k, r in enumerate(rows):
                r[6][0] = ("1", "2")[k % 2]  # 利用者性別
                r[4][0] = ("ﾀﾅｶ ﾊﾅｺ", "たなか はなこ", "髙橋")[k % 3]
        put("UPHOSOKU", hosoku, "hosoku")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    seed = 20250601
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    out = args[0]
    g = Gen(seed)
    g.run(out)
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(g.manifest, f, ensure_ascii=False, indent=1)
    with open(os.path.join(out, "cross_manifest.json"), "w", encoding="utf-8") as f:
        json.dump(g.cross_manifest, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
