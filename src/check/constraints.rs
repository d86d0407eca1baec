//! Every constraint the spec states, and whether the checker checks it: the list issue 19
//! asked for, so that a constraint left unchecked is a documented choice, not an accident.
//!
//! Each entry names where the spec states it (`fields.json` or a section of
//! `docs/spec/spec.md`), the finding codes that report it (single-file codes from
//! [`Code`](crate::check::Code), cross-file codes from `reconcile::findings`), or why it is not
//! checked. A test keeps every single-file code in the table, so a new check has to be listed.

/// Whether and how a constraint is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Reported by these codes.
    Checked(&'static [&'static str]),
    /// Consciously not checked, and why.
    NotChecked(&'static str),
}

/// (where the spec states it, the constraint, coverage).
pub const CONSTRAINTS: &[(&str, &str, Coverage)] = &[
    // fields.json, row by row (every row of every kind and generation goes through these).
    ("fields.json type", "値の形式（数字・英数・整数・99.99・英字・電話番号・TAISコード）", Coverage::Checked(&["FIELD_FORMAT"])),
    ("fields.json type/max_len, §2", "固定長の形: 保険者番号6桁、被保険者番号10文字、事業所番号10桁、年月日8桁、年月6桁、時分4桁、日割対象日31文字、郵便番号8文字、サービスコード6文字（種類2＋項目4）、サービス種類コード2文字。短くても長くても誤り", Coverage::Checked(&["FIELD_FORMAT"])),
    ("fields.json type/max_len", "第2表 No.17 サービス事業者コード（英数10）、第7表 No.35 入力者コード（数字10）、TAISコード・福祉用具届出コード（12）を固定長として扱う", Coverage::NotChecked("仕様は最大長だけを示す。第2表 No.17 はOCRでフリーテキストと読め、保険外サービスでは空、No.35 は書式欄が空、TAISコードは例（00001-000010）だけで桁の決まりが書かれていない。")),
    ("fields.json max_len", "項目長（最大長、文字数で数える）", Coverage::Checked(&["FIELD_TOO_LONG"])),
    ("§2", "項目長がバイトか文字か", Coverage::NotChecked("仕様に書かれていない。文字数で数える（全角も1文字）。")),
    ("fields.json codes", "コード表にある値", Coverage::Checked(&["FIELD_CODE"])),
    ("fields.json required = yes", "必須項目（○）", Coverage::Checked(&["FIELD_REQUIRED"])),
    ("fields.json confidence", "必須かどうか・項目長・注記がはっきりしない行: その点だけ警告", Coverage::Checked(&["FIELD_REQUIRED", "FIELD_TOO_LONG", "FIXED_OFFICE_CODE"])),
    ("fields.json type 日付/YYYYMM", "実在する年月日・年月", Coverage::Checked(&["FIELD_DATE"])),
    ("fields.json type HHMM", "時分0000〜2359（2400は警告）、第6表は9999も可", Coverage::Checked(&["FIELD_FORMAT", "FIELD_TIME_2400"])),
    ("fields.json 被保険者番号 note", "生活保護単独は「H」と数字9桁", Coverage::Checked(&["INSURED_NUMBER_H"])),
    ("fields.json 識別子", "※使用しない項目は空", Coverage::Checked(&["FIELD_UNUSED"])),
    ("fields.json required = cond (TAIS/届出)", "福祉用具貸与（17/67）の行はTAISコードか福祉用具届出コード", Coverage::Checked(&["WELFARE_EQUIPMENT_CODE"])),
    ("fields.json required = cond (その他)", "日割対象日（日割のときだけ）、明細判別コード（17で同じコード・単位のとき）、サテライト枝番、委託の有無などの条件付き必須", Coverage::NotChecked("条件（日割か、サテライトか、委託か）がファイルの中から分からない。")),
    ("fields.json UPHOSOKU No.20–55", "サービス種類別の枠は1枠から順番に", Coverage::NotChecked("枠の順番の誤りは読み手が取り込めなくなる誤りではなく、仕様の文も短い。")),
    ("fields.json UPKIHON No.62", "家族構成画像ファイル名の形", Coverage::NotChecked("フリーテキストで、仕様の例（No.57と書かれている）も食い違っている。")),
    // §1 versions.
    ("§1", "CSVバージョンは仕様の値（202208、202407…）", Coverage::Checked(&["VERSION_UNKNOWN", "VERSION_OBSOLETE", "VERSION_V40"])),
    ("§1", "1つのファイルに異なるCSVバージョンを混ぜない", Coverage::Checked(&["VERSION_MIXED"])),
    ("§1", "新しい版はその適用サービス月から（V4は2025年4月から）", Coverage::Checked(&["VERSION_V3_AFTER_V4", "VERSION_V4_BEFORE"])),
    ("§1", "ファイル名の形（V3/V4）と版、V4だけの種類", Coverage::Checked(&["VERSION_NAME_MISMATCH", "KIND_NOT_IN_VERSION"])),
    ("§1", "項目数で版を見分ける", Coverage::Checked(&["COLUMN_COUNT"])),
    // §2 common format.
    ("§2", "Shift-JIS（MS932）、MS932にない文字と外字は使わない", Coverage::Checked(&["ENCODING_UTF8", "ENCODING_INVALID", "ENCODING_GAIJI", "ENCODING_NOT_MS932"])),
    ("§2", "フリーテキストは「\"」で囲み、中の「\"」は「\"\"」", Coverage::Checked(&["CSV_UNCLOSED_QUOTE", "CSV_STRAY_QUOTE", "CSV_TEXT_AFTER_QUOTE", "FREE_TEXT_UNQUOTED"])),
    ("§2", "見出し行はない（データ行だけ）", Coverage::Checked(&["HEADER_ROW", "BLANK_LINE"])),
    ("§2", "改行コード", Coverage::Checked(&["LINE_ENDING"])),
    ("§2", "制御文字", Coverage::Checked(&["CONTROL_CHARACTER"])),
    ("§3 (安全のため)", "ファイル名に見えない文字（U+202Eなどの表示の向きを変える文字、幅のない文字）がない", Coverage::Checked(&["FILENAME_HIDDEN_CHARACTERS"])),
    ("fields.json field_count", "レイアウトの項目数", Coverage::Checked(&["COLUMN_COUNT"])),
    // §3 file names.
    ("§3", "接頭辞・「_」区切りの部分の数と形・拡張子.CSV", Coverage::Checked(&["FILENAME_UNKNOWN_KIND", "FILENAME_SHAPE", "FILENAME_EXTENSION"])),
    ("§3", "対象年月・連番（作成日時）が実在する", Coverage::Checked(&["FILENAME_MONTH", "FILENAME_TIMESTAMP"])),
    ("qa.md C", "同じ事業所番号どうしの送受信", Coverage::Checked(&["FILENAME_SAME_OFFICE"])),
    ("§3", "UPKIHON_IMAGEのJPEGファイル名", Coverage::NotChecked("CSVではなく、チェックの対象外。")),
    // §4 who sends what.
    ("§4", "事業所の種類ごとに出力・取込するファイル", Coverage::NotChecked("1ファイルからは自分の事業所の種類が分からない。台帳の記録（送信/受信）が扱う。")),
    ("§4", "連携対象外のサービス種類のレコードは作らない", Coverage::NotChecked("仕様の対象表の○の列がずれて読めず、対象の一覧が確かでない（spec.md §4）。")),
    // §5 units, keys and content.
    ("§5", "送信単位（同じ連番のファイルの組み合わせ）", Coverage::Checked(&["UNIT_MISSING_FILE", "UNIT_DUPLICATE_FILE", "UNIT_MIXED_SETS", "UNIT_VERSION_MIXED", "UNIT_SEQUENCE_MIXED"])),
    ("§5", "キー（保険者番号＋被保険者番号＋作成日/対象年月）で親と従属ファイルが対応する", Coverage::Checked(&["UNIT_KEY_NO_PARENT", "UNIT_KEY_NO_DEPENDENT"])),
    ("§5", "更新・削除の順番", Coverage::Checked(&["ORDER_OLDER_AFTER_NEWER", "ORDER_SUPERSEDED", "ORDER_DELETE_APPLIED", "ORDER_DELETE_NO_TARGET"])),
    ("§5", "第6表・第7表・削除は1ファイル1か月、ファイル名の対象年月とNo.5（削除はNo.4）が同じ", Coverage::Checked(&["SERVICE_MONTH_MIXED", "SERVICE_MONTH_NAME"])),
    ("§5", "サービス利用日は対象年月の中", Coverage::Checked(&["SERVICE_DATE_MONTH"])),
    ("§5", "実績は事業所番号＋サービス種類ごとに1ファイル: サービスコードの種類が送信元の種類と同じ（V4の名前）", Coverage::Checked(&["SERVICE_TYPE_SENDER"])),
    ("§5", "第6表・第7表は利用者の全事業所のサービスを載せる（送信先の種類に限らない）", Coverage::NotChecked("だから第6表・第7表では、サービスの種類と送信先の種類を比べない（比べると正しいファイルが誤りになる）。")),
    ("§5", "ファイルには送信先と関係のある利用者だけ: 実績のプラン担当業者コードが送信先の居宅、第6表 予定の利用者に送信先のサービスがある", Coverage::Checked(&["RECORD_OTHER_OFFICE"])),
    ("§5", "第7表・利用者補足情報の利用者と送信先の関係", Coverage::Checked(&["UNIT_KEY_NO_PARENT"])),
    ("§5", "第6表 予定のプラン担当業者コードが送信元、実績のサービス事業者コードが送信元", Coverage::NotChecked("仕様の文は利用者と送信先の関係だけを言っていて、送信元との関係は書かれていない。")),
    ("§5", "実績削除（DLTJSK）のサービス事業者コード・サービス種類コードと送信元", Coverage::NotChecked("削除は事業所番号＋サービス種類ごとと書かれているが、ファイル名の送信元の種類の意味が実績の例で食い違っているため、実績（UPJSK）のサービスコードだけを警告で比べている。")),
    ("§5", "第7表の利用者に送信先の事業所の行がある", Coverage::NotChecked("第7表の利用者は同じ送信単位の第6表と対応を見る（UNIT_KEY_NO_PARENT）。第6表の側で送信先との関係を見ている。")),
    ("§5", "第6表は1サービスコード・1日1レコード", Coverage::NotChecked("加算や明細判別コードで同じコード・同じ日の行が正しく並ぶことがある。")),
    ("§5", "加算は基本サービスの時刻をくり返す", Coverage::NotChecked("加算かどうかはサービスコード表が要り、仕様データに含まれていない。")),
    ("§5", "明細判別コードは同じコード・単位数の行に1,2,3…", Coverage::NotChecked("項目長も推定で、番号の付け方の例しかない。")),
    ("§5", "第7表: 全合計行（999999／9999999999）がちょうど1行", Coverage::Checked(&["TOTAL_ROW_MISSING", "TOTAL_ROW_DUPLICATE", "TOTAL_ROW_OFFICE"])),
    ("§5", "第7表: 複数行ある種類に種類別小計（AAAA）、小計・全合計の単位数0と割引後の空", Coverage::Checked(&["SUBTOTAL_MISSING", "SUMMARY_ROW_VALUE"])),
    ("fields.json UPSIKYU No.34", "事業所コードは9999999999固定", Coverage::Checked(&["FIXED_OFFICE_CODE"])),
    ("§5", "利用者補足情報のNo.4/No.63は一緒に送る組み合わせに合わせる", Coverage::Checked(&["HOSOKU_PLAN_DATE", "HOSOKU_TARGET_MONTH"])),
    ("§5 (suggested)", "第6表・第7表・利用者補足情報の合計、区分支給限度基準額", Coverage::Checked(&["TOTAL_SIKYU_ROW_MISSING", "TOTAL_COUNT_6_7", "TOTAL_UNITS_6_7", "TOTAL_SUBTOTAL_SUM", "TOTAL_GRAND_SUM", "TOTAL_LIMIT_SPLIT", "TOTAL_HOSOKU_SLOT", "TOTAL_HOSOKU_OVER", "TOTAL_OVER_LIMIT"])),
    ("§5", "予定と実績", Coverage::Checked(&["PLAN_ACTUAL_NOT_PERFORMED", "PLAN_ACTUAL_NOT_PLANNED", "PLAN_ACTUAL_TIME", "PLAN_ACTUAL_COUNT", "PLAN_ACTUAL_UNITS", "PLAN_ACTUAL_NO_ACTUAL", "PLAN_ACTUAL_NO_PLAN", "PLAN_ACTUAL_TOTAL"])),
    ("§5", "住所地特例の保険者番号は受け手が直す", Coverage::NotChecked("ファイルからは住所地特例かどうか分からない。")),
    ("§5", "サテライトの実績は1ファイルにまとめ、訂正時は全拠点分を送り直す", Coverage::NotChecked("1回分のファイルからは前の送信や拠点の数が分からない。")),
    ("§2", "空ファイル", Coverage::Checked(&["EMPTY_FILE"])),
    ("—", "指摘の上限", Coverage::Checked(&["FINDINGS_TRUNCATED"])),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Code;
    use crate::reconcile::findings::ReconcileCode;

    #[test]
    fn every_code_is_listed_and_every_listed_code_exists() {
        let listed: Vec<&str> = CONSTRAINTS
            .iter()
            .filter_map(|(_, _, c)| match c {
                Coverage::Checked(codes) => Some(*codes),
                Coverage::NotChecked(_) => None,
            })
            .flatten()
            .copied()
            .collect();
        for code in Code::ALL {
            assert!(
                listed.contains(&code.as_str()),
                "{} is not listed",
                code.as_str()
            );
        }
        for code in &listed {
            let known = Code::ALL.iter().any(|c| c.as_str() == *code)
                || ReconcileCode::ALL.iter().any(|c| c.as_str() == *code);
            assert!(known, "{code} is not a finding code");
        }
    }
}
