//! Client-side validation: each rule with inputs it accepts and inputs it rejects.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::app::check;
use kommo_sources_widget::i18n::{self, Lang};
use kommo_sources_widget::model::{NewSource, Page, Pipeline, Service, Source, SourcePatch};
use kommo_sources_widget::rules::{
    self, check_external_id, check_name, check_origin_code, check_phone, check_pipeline, Code,
    Context, Field, Issue, Report, Severity,
};

/// What these tests read of a report: its findings, picked the way the widget picks them.
trait Findings {
    /// Nothing blocks saving (warnings allowed).
    fn is_valid(&self) -> bool;
    /// The findings that only warn.
    fn warnings(&self) -> impl Iterator<Item = &Issue>;
    /// The findings about item `index`.
    fn for_item(&self, index: usize) -> impl Iterator<Item = &Issue>;
    /// The codes found for one field of one item (`None` for batch-wide findings).
    fn codes(&self, item: Option<usize>, field: Field) -> Vec<Code>;
}

impl Findings for Report {
    fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }

    fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(|i| i.severity() == Severity::Warning)
    }

    fn for_item(&self, index: usize) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.item == Some(index))
    }

    fn codes(&self, item: Option<usize>, field: Field) -> Vec<Code> {
        self.issues
            .iter()
            .filter(|i| i.item == item && i.field == field)
            .map(|i| i.code)
            .collect()
    }
}

fn existing(id: u64, external_id: &str, default: Option<bool>) -> Source {
    Source {
        id,
        name: format!("source {id}"),
        pipeline_id: 1,
        external_id: external_id.into(),
        default,
        origin_code: None,
        services: vec![],
        links: None,
        request_id: None,
    }
}

fn pipelines() -> Vec<Pipeline> {
    vec![
        Pipeline {
            id: 1,
            name: "Main".into(),
            is_main: true,
            is_archive: false,
            sort: 1,
            statuses: Vec::new(),
        },
        Pipeline {
            id: 2,
            name: "Old".into(),
            is_main: false,
            is_archive: true,
            sort: 2,
            statuses: Vec::new(),
        },
    ]
}

fn page(name: &str, id: &str, link: &str) -> Page {
    Page {
        name: name.into(),
        id: id.into(),
        link: link.into(),
        ..Default::default()
    }
}

#[test]
fn name_is_required_and_capped() {
    assert_eq!(check_name("Chat"), None);
    assert_eq!(check_name("  Chat  "), None);
    assert_eq!(check_name(""), Some(Code::NameRequired));
    assert_eq!(check_name(" \t "), Some(Code::NameRequired));
    assert_eq!(check_name(&"é".repeat(255)), None);
    assert_eq!(check_name(&"a".repeat(256)), Some(Code::NameTooLong));
}

#[test]
fn external_id_is_required_printable_ascii_and_short() {
    assert_eq!(check_external_id("kchat01"), None);
    assert_eq!(check_external_id("a&b+c #d"), None);
    assert_eq!(check_external_id(&"x".repeat(40)), None);
    assert_eq!(check_external_id(""), Some(Code::ExternalIdRequired));
    assert_eq!(check_external_id("   "), Some(Code::ExternalIdRequired));
    assert_eq!(
        check_external_id(&"x".repeat(41)),
        Some(Code::ExternalIdTooLong)
    );
    assert_eq!(
        check_external_id("café"),
        Some(Code::ExternalIdNotPrintable)
    );
    assert_eq!(
        check_external_id("tab\there"),
        Some(Code::ExternalIdNotPrintable)
    );
}

#[test]
fn origin_code_rules() {
    assert_eq!(check_origin_code("kommo.ext.30470678"), None);
    assert_eq!(check_origin_code("amo.ext.36958507"), None);
    assert_eq!(check_origin_code("a\"b"), None);
    assert_eq!(check_origin_code(""), Some(Code::OriginCodeEmpty));
    assert_eq!(check_origin_code("  "), Some(Code::OriginCodeEmpty));
    assert_eq!(
        check_origin_code("30470678"),
        Some(Code::OriginCodeOnlyDigits)
    );
    assert_eq!(
        check_origin_code("\"\"\""),
        Some(Code::OriginCodeOnlyQuotes)
    );
    assert_eq!(check_origin_code("kommo.ext.3047067812"), None);
    assert_eq!(
        check_origin_code("kommo.ext.30470678123"),
        Some(Code::OriginCodeTooLong)
    );
}

#[test]
fn pipeline_must_be_known_and_archived_only_warns() {
    let p = pipelines();
    assert_eq!(check_pipeline(1, &p), None);
    assert_eq!(check_pipeline(3, &p), Some(Code::PipelineUnknown));
    assert_eq!(check_pipeline(2, &p), Some(Code::PipelineArchived));
    assert_eq!(Code::PipelineArchived.severity(), Severity::Warning);
    assert_eq!(Code::PipelineUnknown.severity(), Severity::Error);
    assert_eq!(check_pipeline(3, &[]), None);
}

#[test]
fn whatsapp_links_are_international_numbers() {
    for ok in [
        "+5511999998888",
        "5511999998888",
        "https://wa.me/5511999998888",
        "wa.me/+14155550100",
        "1234567",
    ] {
        assert_eq!(check_phone(ok), None, "{ok}");
    }
    assert_eq!(check_phone(" "), Some(Code::PageLinkRequired));
    for bad in [
        "+",
        "123456",
        "1234567890123456",
        "+55 11 99999-8888",
        "05511999998888",
        "abc1234567",
        "https://example.com/5511999998888",
    ] {
        assert_eq!(check_phone(bad), Some(Code::PageLinkInvalid), "{bad}");
    }
}

#[test]
fn a_valid_batch_has_no_findings() {
    let have = [existing(1, "kchat01", Some(true))];
    let p = pipelines();
    let ctx = Context::new(&have, &p);
    let mut item = NewSource::new("Chat", "kchat02");
    item.pipeline_id = Some(1);
    item.origin_code = Some("kommo.ext.30470678".into());
    item.default = Some(false);
    item.services = Some(vec![Service::whatsapp(vec![page(
        "Sales",
        "sales",
        "+5511999998888",
    )])]);
    let report = rules::validate_new(&[item], &ctx);
    assert_eq!(report.issues, vec![]);
    assert!(report.is_valid());
}

#[test]
fn external_ids_are_unique_case_insensitively() {
    let have = [existing(1, "kchat01", None)];
    let ctx = Context::new(&have, &[]);
    let items = [
        NewSource::new("a", "KChat01"),
        NewSource::new("b", "new"),
        NewSource::new("c", "NEW"),
        NewSource::new("d", "other"),
    ];
    let report = rules::validate_new(&items, &ctx);
    assert_eq!(
        report.codes(Some(0), Field::ExternalId),
        [Code::ExternalIdTaken]
    );
    assert_eq!(
        report.codes(Some(1), Field::ExternalId),
        [Code::ExternalIdRepeated]
    );
    assert_eq!(
        report.codes(Some(2), Field::ExternalId),
        [Code::ExternalIdRepeated]
    );
    assert_eq!(report.codes(Some(3), Field::ExternalId), []);
    assert!(!report.is_valid());
    assert_eq!(report.for_item(2).count(), 1);
}

#[test]
fn batch_size_and_source_limit() {
    let have: Vec<Source> = (0..45)
        .map(|i| existing(i, &format!("e{i}"), None))
        .collect();
    let ctx = Context::new(&have, &[]);
    let five: Vec<NewSource> = (0..5)
        .map(|i| NewSource::new("n", format!("n{i}")))
        .collect();
    assert!(rules::validate_new(&five, &ctx).is_valid());
    let six: Vec<NewSource> = (0..6)
        .map(|i| NewSource::new("n", format!("n{i}")))
        .collect();
    assert_eq!(
        rules::validate_new(&six, &ctx).codes(None, Field::Batch),
        [Code::LimitReached]
    );
    assert!(rules::validate_new(&six, &ctx.with_limit(100)).is_valid());

    let empty = Context::new(&[], &[]).with_limit(1000);
    let fifty: Vec<NewSource> = (0..50)
        .map(|i| NewSource::new("n", format!("n{i}")))
        .collect();
    assert!(rules::validate_new(&fifty, &empty).is_valid());
    let many: Vec<NewSource> = (0..51)
        .map(|i| NewSource::new("n", format!("n{i}")))
        .collect();
    assert_eq!(
        rules::validate_new(&many, &empty).codes(None, Field::Batch),
        [Code::TooManyItems]
    );
}

#[test]
fn a_new_default_replaces_the_old_one_but_a_batch_has_at_most_one() {
    let have = [existing(1, "a", Some(true)), existing(2, "b", None)];
    let ctx = Context::new(&have, &[]);
    let mut item = NewSource::new("n", "n");
    item.default = Some(true);
    assert!(rules::validate_new(std::slice::from_ref(&item), &ctx).is_valid());
    let mut second = NewSource::new("m", "m");
    second.default = Some(true);
    let report = rules::validate_new(&[item, second], &ctx);
    assert_eq!(
        report.codes(Some(1), Field::Default),
        [Code::MultipleDefaults]
    );
    assert_eq!(report.errors().count(), 2);
}

#[test]
fn moving_the_default_is_fine_but_two_patches_cannot_both_take_it() {
    let have = [existing(1, "a", Some(true)), existing(2, "b", None)];
    let ctx = Context::new(&have, &[]);
    let mut off = SourcePatch::new(1);
    off.default = Some(false);
    let mut on = SourcePatch::new(2);
    on.default = Some(true);
    assert!(rules::validate_patches(&[off, on.clone()], &ctx).is_valid());
    assert!(rules::validate_patches(std::slice::from_ref(&on), &ctx).is_valid());
    let mut also = SourcePatch::new(1);
    also.default = Some(true);
    let report = rules::validate_patches(&[on, also], &ctx);
    assert_eq!(
        report.codes(Some(0), Field::Default),
        [Code::MultipleDefaults]
    );
}

#[test]
fn patches_are_checked_field_by_field() {
    let have = [existing(1, "a", None)];
    let p = pipelines();
    let ctx = Context::new(&have, &p);
    let mut rename = SourcePatch::new(1);
    rename.name = Some("ok".into());
    assert!(rules::validate_patches(&[rename], &ctx).is_valid());

    let mut bad = SourcePatch::new(1);
    bad.name = Some(" ".into());
    bad.origin_code = Some("123".into());
    bad.pipeline_id = Some(9);
    bad.services = Some(vec![Service::whatsapp(vec![page("", " ", "12")])]);
    let report = rules::validate_patches(&[bad, SourcePatch::new(77)], &ctx);
    assert_eq!(report.codes(Some(0), Field::Name), [Code::NameRequired]);
    assert_eq!(
        report.codes(Some(0), Field::OriginCode),
        [Code::OriginCodeOnlyDigits]
    );
    assert_eq!(
        report.codes(Some(0), Field::PipelineId),
        [Code::PipelineUnknown]
    );
    let at = |f| report.codes(Some(0), f);
    assert_eq!(
        at(Field::PageName {
            service: 0,
            page: 0
        }),
        [Code::PageNameRequired]
    );
    assert_eq!(
        at(Field::PageId {
            service: 0,
            page: 0
        }),
        [Code::PageIdRequired]
    );
    assert_eq!(
        at(Field::PageLink {
            service: 0,
            page: 0
        }),
        [Code::PageLinkInvalid]
    );
    assert_eq!(report.codes(Some(1), Field::Id), [Code::UnknownSource]);
}

#[test]
fn archived_pipeline_warns_without_blocking() {
    let p = pipelines();
    let ctx = Context::new(&[], &p);
    let mut item = NewSource::new("n", "n");
    item.pipeline_id = Some(2);
    let report = rules::validate_new(&[item], &ctx);
    assert!(report.is_valid());
    assert_eq!(report.warnings().count(), 1);
    assert_eq!(
        report.codes(Some(0), Field::PipelineId),
        [Code::PipelineArchived]
    );
}

#[test]
fn links_of_other_services_are_not_phone_checked() {
    let ctx = Context::new(&[], &[]);
    let mut item = NewSource::new("n", "n");
    item.services = Some(vec![Service {
        kind: "telegram".into(),
        pages: vec![page("Bot", "bot", "@my_bot")],
        params: None,
        ..Default::default()
    }]);
    assert!(rules::validate_new(&[item], &ctx).is_valid());
}

#[test]
fn repeated_external_ids_are_flagged_on_every_item_that_shares_them() {
    let ctx = Context::new(&[], &[]);
    let items = [
        NewSource::new("a", "Same"),
        NewSource::new("b", "other"),
        NewSource::new("c", " same "),
    ];
    let report = rules::validate_new(&items, &ctx);
    assert_eq!(
        report.codes(Some(0), Field::ExternalId),
        [Code::ExternalIdRepeated]
    );
    assert!(report.codes(Some(1), Field::ExternalId).is_empty());
    assert_eq!(
        report.codes(Some(2), Field::ExternalId),
        [Code::ExternalIdRepeated]
    );
}

#[test]
fn control_characters_are_refused_where_they_cannot_be_seen() {
    let ctx = Context::new(&[], &[]);
    let mut item = NewSource::new("a\u{7}b", "ok");
    item.origin_code = Some("kommo\u{0}x".into());
    item.services = Some(vec![Service::whatsapp(vec![page("Sales\u{1b}", "p1", "")])]);
    let report = rules::validate_new(&[item], &ctx);
    assert_eq!(report.codes(Some(0), Field::Name), [Code::NameNotPrintable]);
    assert_eq!(
        report.codes(Some(0), Field::OriginCode),
        [Code::OriginCodeNotPrintable]
    );
    let at = |page| Field::PageName { service: 0, page };
    assert_eq!(report.codes(Some(0), at(0)), [Code::PageNameNotPrintable]);
    assert_eq!(
        report.codes(
            Some(0),
            Field::PageLink {
                service: 0,
                page: 0
            }
        ),
        [Code::PageLinkRequired]
    );
    assert_eq!(
        rules::check_name("  tab\tinside "),
        Some(Code::NameNotPrintable)
    );
    assert_eq!(rules::check_name(" trimmed\n"), None);
}

#[test]
fn codes_have_stable_keys_and_messages() {
    assert_eq!(Code::ExternalIdTaken.as_str(), "external_id_taken");
    assert_eq!(
        Code::OriginCodeOnlyQuotes.as_str(),
        "origin_code_only_quotes"
    );
    // The words a user reads for a code: its text in en.json, as the loader installs it.
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../widget/i18n/en.json")).unwrap();
    i18n::load(Lang::En, |k| file["ui"][k].as_str().map(str::to_owned));
    let english = |c| Lang::En.t(check::message(c));
    assert_eq!(english(Code::NameTooLong), file["ui"]["VTooLong"]);
    assert!(english(Code::PageLinkInvalid).contains("phone"));
}
