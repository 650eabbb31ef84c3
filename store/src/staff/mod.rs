//! Staff accounts: volunteers, caseworkers, supervisors and administrators, each bound to a county.
//!
//! Passwords are hashed with argon2id. Repeated failures lock an account for a while, whoever tries.
//! Signing in takes a second factor ([`second_factor`], [`sign_in`]); what happens to an account
//! afterwards is in `account_life`.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use sqlx::Row;
use thiserror::Error;

use crate::db::Store;
use crate::error::StoreError;
use casework::County;

mod account_life;
mod passkeys;
mod password;
pub mod second_factor;
pub mod sign_in;
pub use account_life::{
    AccountError, AccountLine, ChangePasswordError, SignInEvent, HISTORY_LINES,
};
pub use passkeys::{PasskeyError, StoredPasskey, MAX_PASSKEYS};
pub use password::{NewPassword, PasswordError};
pub use sign_in::{Client, Enrolment, FactorUsed, PasswordAccepted, SignInLine};

/// Failed sign-ins in a row that lock the account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT: time::Duration = time::Duration::minutes(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Volunteer,
    Caseworker,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Volunteer,
        Role::Caseworker,
        Role::Supervisor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Caseworker => "caseworker",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown role {0:?}: expected volunteer, caseworker, supervisor or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sign-in name: 3–32 characters of lower-case letters, digits, `.`, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UsernameError {
    #[error("the username must be 3 to 32 characters long")]
    Length,
    #[error("the username may hold only lower-case letters, digits, '.', '_' and '-'")]
    Characters,
}

impl FromStr for Username {
    type Err = UsernameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if !(3..=32).contains(&s.chars().count()) {
            return Err(UsernameError::Length);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        {
            return Err(UsernameError::Characters);
        }
        Ok(Self(s.to_owned()))
    }
}

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub county: County,
    pub password: NewPassword,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub county: County,
}

#[derive(Debug, Error)]
pub enum CreateStaffError {
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
    #[error("the display name must not be empty")]
    EmptyDisplayName,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Error)]
pub enum LoginError {
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("the account is locked after too many failed sign-ins until {until}")]
    LockedOut { until: time::OffsetDateTime },
    #[error("the account is disabled")]
    Disabled,
    #[error("the code is not a current code of the app nor an unused recovery code")]
    InvalidCode,
    #[error("the code was used already; wait for the next one")]
    ReplayedCode,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Store(e.into())
    }
}

async fn hash_password(password: NewPassword) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_str().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| StoreError::Task(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))?
}

/// Verifies off the async threads; argon2 is deliberately slow. Without a stored hash it checks
/// against a hash of a random password, so that an unknown username costs as much as a known one.
async fn verify_password(password: String, hash: Option<String>) -> Result<bool, StoreError> {
    static DUMMY_HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let Some(hash) = hash.or_else(|| {
            DUMMY_HASH
                .get_or_init(|| {
                    let salt = SaltString::generate(&mut OsRng);
                    Argon2::default()
                        .hash_password(salt.as_str().as_bytes(), &salt)
                        .ok()
                        .map(|h| h.to_string())
                })
                .clone()
        }) else {
            return Ok(false);
        };
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| StoreError::Corrupt(format!("password hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))?
}

fn row_to_user(row: &sqlx::any::AnyRow) -> Result<StaffUser, StoreError> {
    let role: String = row.try_get("role")?;
    let county: String = row.try_get("county")?;
    Ok(StaffUser {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: role
            .parse()
            .map_err(|e: UnknownRole| StoreError::Corrupt(e.to_string()))?,
        county: county
            .parse()
            .map_err(|e: casework::UnknownCounty| StoreError::Corrupt(e.to_string()))?,
    })
}

/// The badge code of a volunteer account (the migration gives older accounts the same).
pub fn volunteer_code(id: i64) -> String {
    format!("V-{id:05}")
}

const USER_COLUMNS: &str = "id, username, display_name, role, county";

impl Store {
    pub async fn create_staff_user(
        &self,
        new: NewStaffUser,
    ) -> Result<StaffUser, CreateStaffError> {
        let display_name = new.display_name.trim().to_owned();
        if display_name.is_empty() {
            return Err(CreateStaffError::EmptyDisplayName);
        }
        let hash = hash_password(new.password).await?;
        let mut tx = self.write_tx().await?;
        let taken = sqlx::query("SELECT 1 FROM staff_users WHERE username = $1")
            .bind(new.username.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        if taken.is_some() {
            return Err(CreateStaffError::UsernameTaken(
                new.username.as_str().to_owned(),
            ));
        }
        let row = sqlx::query(&format!(
            "INSERT INTO staff_users (username, display_name, role, county, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
        ))
        .bind(new.username.as_str())
        .bind(&display_name)
        .bind(new.role.as_str())
        .bind(new.county.id())
        .bind(hash)
        .bind(self.now_unix())
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let user = row_to_user(&row)?;
        if user.role == Role::Volunteer {
            // The code on the volunteer's badge, which their applications carry.
            sqlx::query("UPDATE staff_users SET volunteer_code = $1 WHERE id = $2")
                .bind(volunteer_code(user.id))
                .bind(user.id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(user)
    }

    pub async fn staff_user(&self, id: i64) -> Result<Option<StaffUser>, StoreError> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM staff_users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(row_to_user)
        .transpose()
    }

    pub async fn staff_user_by_name(
        &self,
        username: &str,
    ) -> Result<Option<StaffUser>, StoreError> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM staff_users WHERE username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(row_to_user)
        .transpose()
    }
}

pub(crate) fn unix_to_datetime(seconds: i64) -> Result<time::OffsetDateTime, StoreError> {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords_parse_or_say_why_not() {
        assert!("wang.li".parse::<Username>().is_ok());
        assert_eq!("ab".parse::<Username>(), Err(UsernameError::Length));
        assert_eq!(
            "Wang Li".parse::<Username>(),
            Err(UsernameError::Characters)
        );
    }
}
