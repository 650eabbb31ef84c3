-- Who made each audit entry, as the text form of an actor: `staff:12`, `applicant`,
-- `volunteer:DEVICE`, `partner:NAME` or `system:JOB` (`actor` keeps the staff account's id, as
-- before). Entries written before this column existed keep it empty and hash as they always did;
-- an entry with an actor text also hashes that text, so changing, adding or blanking it breaks
-- the chain (`server audit verify`).
ALTER TABLE audit_log ADD COLUMN acted_by TEXT NOT NULL DEFAULT '';
