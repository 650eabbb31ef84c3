//! Finding applications by the applicant's name without opening a sealed column in SQL: a keyed
//! hash (HMAC) of the normalised name is stored beside the sealed name (`name_index`).

use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

/// Applications indexed in one transaction while filling in those stored before migration 0010.
const BACKFILL_BATCH: i64 = 500;

/// A name as it is compared: without spaces (people type "张 三" and "张三"), Latin letters in
/// lower case, full-width letters and digits as ASCII, and every kind of middle dot between the
/// parts of a minority name (阿依古丽·买买提) as one.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| match c {
            '•' | '・' | '.' | '‧' | '∙' | '⋅' | '･' => '·',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keyed hash of a name under `key` (a key rotation computes it under the new key).
pub(crate) fn name_index_under(key: &crate::DataKey, name: &str) -> String {
    key.index(&format!("name:{}", normalise_name(name)))
}

impl Store {
    /// The keyed hash a name is found by; the same for every spelling [`normalise_name`] joins.
    pub(crate) fn name_index(&self, name: &str) -> String {
        name_index_under(self.data_key(), name)
    }

    /// Indexes the names of applications stored before there was an index, from their sealed
    /// column. Running it again finds nothing to do.
    pub(crate) async fn backfill_name_index(&self) -> Result<u64, StoreError> {
        let mut done = 0;
        loop {
            let mut tx = self.write_tx().await?;
            let rows = sqlx::query(
                "SELECT id, applicant_name_sealed FROM applications WHERE name_index IS NULL ORDER BY id LIMIT $1",
            )
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            for row in &rows {
                let name = self
                    .data_key()
                    .open(&row.try_get::<String, _>("applicant_name_sealed")?)?;
                sqlx::query("UPDATE applications SET name_index = $1 WHERE id = $2")
                    .bind(self.name_index(&name))
                    .bind(row.try_get::<i64, _>("id")?)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            done += rows.len() as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_name;

    #[test]
    fn spellings_of_one_name_meet() {
        assert_eq!(normalise_name(" 张 三 "), normalise_name("张三"));
        assert_eq!(
            normalise_name("阿依古丽•买买提"),
            normalise_name("阿依古丽·买买提")
        );
        assert_eq!(normalise_name("ＬＩ Ｌｅｉ"), "lilei");
        assert_ne!(normalise_name("张三"), normalise_name("张山"));
    }
}
