//! The fields that whole-file rules need, found by their 日本語名称.
//!
//! Column numbers differ between layouts (第6表 サービス事業者コード is No.20 in V4 and No.17
//! in V3), so rules never hard-code a 項目No.; they ask the layout for the field with the name
//! the spec prints. A test checks every name below exists where the rules expect it.

use super::data::{FieldSpec, Layout};

/// CSVバージョン (No.1 of every layout).
pub const CSV_VERSION: &str = "CSVバージョン";
/// 利用者氏名 (利用者補足情報 No.6, 利用者基本情報 No.15).
pub const CLIENT_NAME: &str = "利用者氏名";
/// The reading of the name, spelled two ways by the spec: 利用者補足情報 No.5 and
/// 利用者基本情報 No.14.
pub const CLIENT_NAME_READINGS: [&str; 2] = ["利用者氏名フリガナ", "利用者氏名ﾌﾘｶﾞﾅ"];
/// 保険者番号.
pub const INSURER_NUMBER: &str = "保険者番号";
/// 被保険者番号.
pub const INSURED_NUMBER: &str = "被保険者番号";
/// 対象年月: the service month of 第6表/第7表 (and 利用者補足情報 No.63).
pub const SERVICE_MONTH: &str = "対象年月";
/// 削除対象年月: the service month a 第6表 delete file withdraws.
pub const DELETE_MONTH: &str = "削除対象年月";
/// 居宅サービス計画作成（変更）日: 利用者補足情報 No.4, the plan-family key.
pub const PLAN_DATE: &str = "居宅サービス計画作成（変更）日";
/// サービス利用日 (第6表).
pub const SERVICE_DATE: &str = "サービス利用日";
/// サービスコード (第6表, 第7表): 2-character サービス種類 + 4-character 項目.
pub const SERVICE_CODE: &str = "サービスコード";
/// TAISコード (V4 第6表/第7表).
pub const TAIS_CODE: &str = "TAISコード";
/// 福祉用具届出コード (V4 第6表/第7表).
pub const WELFARE_EQUIPMENT_CODE: &str = "福祉用具届出コード";
/// サービス事業所コード (第7表 No.7): `9999999999` on the 全合計 row.
pub const SUMMARY_OFFICE_CODE: &str = "サービス事業所コード";
/// 単位数 (第7表 No.13): 0 on 種類別小計/全合計 rows.
pub const UNITS: &str = "単位数";
/// 割引後率 (第7表 No.14): empty on 種類別小計/全合計 rows.
pub const DISCOUNT_RATE: &str = "割引後率";
/// 割引後単位数 (第7表 No.15): empty on 種類別小計/全合計 rows.
pub const DISCOUNTED_UNITS: &str = "割引後単位数";
/// プラン担当業者コード (第6表 No.6): the 居宅介護支援事業所 in charge of the plan.
pub const PLAN_OFFICE: &str = "プラン担当業者コード";
/// サービス事業者コード (第6表 No.20 in V4): the provider of the service.
pub const PROVIDER_OFFICE: &str = "サービス事業者コード";
/// 事業所コード (第7表 No.34): always `9999999999`.
pub const FIXED_OFFICE_CODE: &str = "事業所コード";

/// The 1-based column index of the named field in a layout.
pub fn index_of(layout: &Layout, name_ja: &str) -> Option<usize> {
    layout.field_named(name_ja).map(|f| usize::from(f.no))
}

/// The named field of a layout.
pub fn field<'l>(layout: &'l Layout, name_ja: &str) -> Option<&'l FieldSpec> {
    layout.field_named(name_ja)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{LayoutGeneration, Spec};

    #[test]
    fn rule_fields_exist_where_rules_use_them() {
        let spec = Spec::get();
        for kind in &spec.kinds {
            let l = kind.layout(LayoutGeneration::V4).unwrap();
            assert_eq!(index_of(l, CSV_VERSION), Some(1), "{}", kind.id);
            assert_eq!(index_of(l, INSURER_NUMBER), Some(2), "{}", kind.id);
            assert_eq!(index_of(l, INSURED_NUMBER), Some(3), "{}", kind.id);
        }
        for id in ["UPPLAN", "UPJSK", "UPSIKYU"] {
            let k = spec.kind(id).unwrap();
            for gen in [LayoutGeneration::V4, LayoutGeneration::V3] {
                let l = k.layout(gen).unwrap();
                assert_eq!(index_of(l, SERVICE_MONTH), Some(5));
                assert!(index_of(l, SERVICE_CODE).is_some());
            }
            let v4 = k.layout(LayoutGeneration::V4).unwrap();
            assert!(index_of(v4, TAIS_CODE).is_some());
            assert!(index_of(v4, WELFARE_EQUIPMENT_CODE).is_some());
            assert!(index_of(k.layout(LayoutGeneration::V3).unwrap(), TAIS_CODE).is_none());
        }
        for id in ["UPHOSOKU", "UPKIHON"] {
            let l = spec.kind(id).unwrap().layout(LayoutGeneration::V4).unwrap();
            assert!(index_of(l, CLIENT_NAME).is_some(), "{id}");
            let readings = CLIENT_NAME_READINGS
                .iter()
                .filter(|r| index_of(l, r).is_some());
            assert_eq!(readings.count(), 1, "{id}");
        }
        for id in ["DLTPLAN", "DLTJSK"] {
            let l = spec.kind(id).unwrap().layout(LayoutGeneration::V4).unwrap();
            assert_eq!(index_of(l, DELETE_MONTH), Some(4));
        }
        let sikyu = spec.kind("UPSIKYU").unwrap();
        let l = sikyu.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(index_of(l, SUMMARY_OFFICE_CODE), Some(7));
        assert_eq!(index_of(l, UNITS), Some(13));
        assert_eq!(index_of(l, DISCOUNT_RATE), Some(14));
        assert_eq!(index_of(l, DISCOUNTED_UNITS), Some(15));
        assert_eq!(index_of(l, FIXED_OFFICE_CODE), Some(34));
        let hosoku = spec.kind("UPHOSOKU").unwrap();
        let l = hosoku.layout(LayoutGeneration::V4).unwrap();
        assert_eq!(index_of(l, PLAN_DATE), Some(4));
        assert_eq!(index_of(l, SERVICE_MONTH), Some(63));
        let upplan = spec
            .kind("UPPLAN")
            .unwrap()
            .layout(LayoutGeneration::V4)
            .unwrap();
        assert_eq!(index_of(upplan, SERVICE_DATE), Some(10));
        for id in ["UPPLAN", "UPJSK"] {
            let k = spec.kind(id).unwrap();
            let v4 = k.layout(LayoutGeneration::V4).unwrap();
            assert_eq!(index_of(v4, PLAN_OFFICE), Some(6));
            assert_eq!(index_of(v4, PROVIDER_OFFICE), Some(20));
            let v3 = k.layout(LayoutGeneration::V3).unwrap();
            assert_eq!(index_of(v3, PLAN_OFFICE), Some(6));
            assert_eq!(index_of(v3, PROVIDER_OFFICE), Some(17));
        }
    }
}
