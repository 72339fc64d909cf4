-- Several relays share one database. A refresh is claimed by one of them through a lease on
-- the installation's row (one conditional UPDATE; no lock is held while Kommo is called), and
-- every call towards an account takes one of its pace slots, so that all relays together send
-- at most the account's rate in any sliding second. Times here are Unix milliseconds.
ALTER TABLE installations ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE installations ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

-- One row per slot of an account's sliding second: a slot is taken again only once its last
-- use is a whole window old. Keyed by the account's base URL, which is known before its id
-- (an install reads the id from Kommo, and that call counts too).
CREATE TABLE pace (
    account TEXT NOT NULL,
    slot BIGINT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (account, slot)
);
