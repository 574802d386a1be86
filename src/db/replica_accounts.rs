//! What a mirror keeps of the accounts of its province: as its upstream sent them, under the
//! upstream's ids, never with a password hash.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::users;
use crate::domain::AccountStatus;
use crate::mirror::wire::ReplicaAccount;

/// Replaces the mirror's accounts with its upstream's list: each one updated or added under its
/// id; one the list no longer has (moved to another province, removed) is suspended, its tokens
/// revoked. Returns how many accounts changed.
pub fn replace(conn: &mut DbConnection, accounts: &[ReplicaAccount]) -> QueryResult<usize> {
    let mut changed = 0;
    let listed: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    for account in accounts {
        let values = (
            users::username.eq(&account.username),
            users::email.eq(&account.email),
            users::full_name.eq(&account.full_name),
            users::role.eq(account.role),
            users::province.eq(&account.province),
            users::commune.eq(&account.commune),
            users::unit.eq(&account.unit),
            users::status.eq(account.status),
            users::expires_at.eq(account.expires_at),
            users::token_version.eq(account.token_version),
            users::updated_at.eq(account.updated_at),
        );
        let same = users::table
            .find(account.id)
            .filter(users::updated_at.eq(account.updated_at))
            .filter(users::token_version.eq(account.token_version))
            .filter(users::status.eq(account.status));
        if diesel::select(diesel::dsl::exists(same)).get_result::<bool>(conn)? {
            continue;
        }
        changed += 1;
        if diesel::update(users::table.find(account.id)).set(values).execute(conn)? == 0 {
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(account.id),
                    values,
                    users::password_hash.eq(""),
                    users::created_at.eq(account.created_at),
                ))
                .execute(conn)?;
        }
    }
    let gone = users::table
        .filter(users::id.ne_all(&listed))
        .filter(users::status.ne(AccountStatus::Suspended))
        .select(users::id)
        .load::<i64>(conn)?;
    if !gone.is_empty() {
        changed += diesel::update(users::table.filter(users::id.eq_any(&gone)))
            .set((users::status.eq(AccountStatus::Suspended), users::token_version.eq(users::token_version + 1)))
            .execute(conn)?;
    }
    Ok(changed)
}
