-- Department records are looked up by person only to ask "is this person in the household
-- register?" (an import's match rate). Indexing every record's person made each import insert a
-- random key into an index over all 2.7 million records of a million residents, which was most of
-- an import's time; the register's own rows are the only ones that question reads.
DROP INDEX discovery_records_by_person;

-- Record numbers, kinds and keyed hashes are identifiers: compared byte by byte, not by the
-- database's language collation (measured: collation-aware comparisons were the largest part of
-- an import's index work).
ALTER TABLE discovery_records
    ALTER COLUMN kind TYPE TEXT COLLATE "C",
    ALTER COLUMN record_id TYPE TEXT COLLATE "C",
    ALTER COLUMN person_index TYPE TEXT COLLATE "C";

CREATE INDEX discovery_records_register_people ON discovery_records (person_index)
    WHERE kind = 'household_register';
