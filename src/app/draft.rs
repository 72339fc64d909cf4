//! A row's editable copy of a source (or of a new one) as typed, and what saving it sends:
//! the create request, or the partial update of only the fields the user changed.

use crate::model::{NewSource, Page, Params, Service, Source, SourcePatch};

/// A page of a WhatsApp service as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageDraft {
    /// Its index among the source's WhatsApp pages when it came from the server, so that a
    /// save keeps the fields of that page the widget does not edit.
    pub from: Option<usize>,
    /// Label of the entry.
    pub name: String,
    /// Identifier of the entry.
    pub id: String,
    /// Phone number the button writes to.
    pub link: String,
}

impl PageDraft {
    /// This page as sent: its typed fields trimmed over `base`, the page it came from, and
    /// a phone typed with separators cleaned (one left as it came is sent as it came).
    fn page(&self, base: Page) -> Page {
        let link = if self.link.trim() == base.link {
            base.link.clone()
        } else {
            crate::rules::clean_phone(&self.link)
        };
        Page {
            name: self.name.trim().to_owned(),
            id: self.id.trim().to_owned(),
            link,
            ..base
        }
    }
}

/// The editable copy of a source (or of a new one), as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// Name.
    pub name: String,
    /// External id (only editable on new rows).
    pub external_id: String,
    /// Pipeline id; 0 means none chosen.
    pub pipeline_id: u64,
    /// Default flag.
    pub default: bool,
    /// Origin code; empty means not set.
    pub origin_code: String,
    /// WhatsApp pages.
    pub pages: Vec<PageDraft>,
    /// WhatsApp `waba` flag.
    pub waba: bool,
    /// WhatsApp `is_supports_list_message` flag.
    pub list_message: bool,
    /// Other services of the source, kept as they came so a save does not drop them.
    pub other_services: Vec<Service>,
    /// Whether the source came with `params` on its WhatsApp service.
    pub had_params: bool,
}

impl Draft {
    /// The editable copy of a server source.
    pub fn of(s: &Source) -> Draft {
        let mut d = Draft {
            name: s.name.clone(),
            external_id: s.external_id.clone(),
            pipeline_id: s.pipeline_id,
            default: s.is_default(),
            origin_code: s.origin_code.clone().unwrap_or_default(),
            ..Draft::default()
        };
        let mut wa_seen = false;
        for svc in &s.services {
            if svc.kind == Service::WHATSAPP && !wa_seen {
                wa_seen = true;
                for (i, p) in svc.pages.iter().enumerate() {
                    d.pages.push(PageDraft {
                        from: Some(i),
                        name: p.name.clone(),
                        id: p.id.clone(),
                        link: p.link.clone(),
                    });
                }
                if let Some(p) = &svc.params {
                    d.had_params = true;
                    d.waba = p.waba.unwrap_or(false);
                    d.list_message = p.is_supports_list_message.unwrap_or(false);
                }
            } else {
                d.other_services.push(svc.clone());
            }
        }
        d
    }

    /// The services this draft describes: the WhatsApp one first (when it has pages or
    /// flags), then any other service unchanged.
    pub fn services(&self) -> Vec<Service> {
        let mut out = Vec::new();
        if !self.pages.is_empty() || self.waba || self.list_message || self.had_params {
            let mut pages = Vec::new();
            for p in &self.pages {
                pages.push(p.page(Page::default()));
            }
            let mut svc = Service::whatsapp(pages);
            if self.waba || self.list_message || self.had_params {
                svc.params = Some(Params {
                    waba: Some(self.waba),
                    is_supports_list_message: Some(self.list_message),
                    ..Params::default()
                });
            }
            out.push(svc);
        }
        out.extend(self.other_services.iter().cloned());
        out
    }

    /// The origin code to send, when one is typed.
    pub fn origin(&self) -> Option<String> {
        let o = self.origin_code.trim();
        (!o.is_empty()).then(|| o.to_owned())
    }

    /// Whether the WhatsApp part (pages and flags) differs from `was`.
    fn wa_edited(&self, was: &Draft) -> bool {
        self.pages != was.pages || self.waba != was.waba || self.list_message != was.list_message
    }

    /// `services` with this draft's WhatsApp edits made over them: pages replaced only when
    /// they were edited, each flag set only when it was toggled, and everything else (other
    /// services, their order, fields the widget does not know) exactly as it came.
    fn services_over(&self, services: &[Service], was: &Draft) -> Vec<Service> {
        let mut out = services.to_vec();
        let i = match out.iter().position(|s| s.kind == Service::WHATSAPP) {
            Some(i) => i,
            None => {
                out.insert(0, Service::whatsapp(Vec::new()));
                0
            }
        };
        let svc = &mut out[i];
        if self.pages != was.pages {
            let old = std::mem::take(&mut svc.pages);
            for p in &self.pages {
                let base = p.from.and_then(|j| old.get(j).cloned()).unwrap_or_default();
                svc.pages.push(p.page(base));
            }
        }
        if self.waba != was.waba {
            svc.params.get_or_insert_with(Params::default).waba = Some(self.waba);
        }
        if self.list_message != was.list_message {
            svc.params
                .get_or_insert_with(Params::default)
                .is_supports_list_message = Some(self.list_message);
        }
        out
    }

    /// The create request for this draft.
    pub fn to_new(&self) -> NewSource {
        let services = self.services();
        NewSource {
            name: self.name.trim().to_owned(),
            external_id: self.external_id.trim().to_owned(),
            pipeline_id: (self.pipeline_id != 0).then_some(self.pipeline_id),
            default: self.default.then_some(true),
            origin_code: self.origin(),
            services: (!services.is_empty()).then_some(services),
        }
    }

    /// The partial update that would save this draft of `orig`: each field the user
    /// changed, compared with the draft of the source as it came, and nothing else.
    pub fn patch(&self, orig: &Source) -> Option<SourcePatch> {
        let was = Draft::of(orig);
        let d = self;
        let mut p = SourcePatch::new(orig.id);
        if d.name.trim() != was.name.trim() {
            p.name = Some(d.name.trim().to_owned());
        }
        if d.pipeline_id != was.pipeline_id {
            p.pipeline_id = Some(d.pipeline_id);
        }
        if d.default != was.default {
            p.default = Some(d.default);
        }
        if d.origin_code.trim() != was.origin_code.trim() {
            // An emptied origin code cannot be sent: see `Row::origin_cleared`.
            p.origin_code = d.origin();
        }
        if d.wa_edited(&was) {
            p.services = Some(d.services_over(&orig.services, &was));
        }
        (!p.is_empty()).then_some(p)
    }
}
