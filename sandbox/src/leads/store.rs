//! The store's leads: their own id sequence, adding a lead, finding one.

use super::model::Lead;
use crate::store::Store;

/// First lead id handed out; leads have their own sequence in Kommo.
pub(crate) const FIRST_LEAD_ID: u64 = 25310011;

/// The next lead id of a state file written before leads existed.
pub(crate) fn first_lead_id() -> u64 {
    FIRST_LEAD_ID
}

impl Store {
    /// Gives `lead` the next lead id and keeps it (leads stay ordered by id); returns the id.
    pub fn add_lead(&mut self, mut lead: Lead) -> u64 {
        lead.id = self.next_lead_id;
        self.next_lead_id += 1;
        if lead.name.is_empty() {
            lead.name = format!("Lead #{}", lead.id);
        }
        let id = lead.id;
        self.leads.push(lead);
        id
    }

    /// The lead with this id.
    pub fn lead(&self, id: u64) -> Option<&Lead> {
        // Leads are kept ordered by id.
        let i = self.leads.binary_search_by_key(&id, |l| l.id).ok()?;
        self.leads.get(i)
    }
}
