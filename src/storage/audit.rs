//! The audit log of set-up actions (what, by whom as the key's label, which
//! day: never an answer, a link or a secret), the session's key for the
//! set-up pages, and the organisation's k for future rounds.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Result;
use super::keys::principal_of;
use crate::domain::access::Principal;
use crate::domain::audit::Action;
use crate::domain::date::Date;
use crate::domain::lang::Lang;
use crate::domain::org::K;

/// Who did a set-up action from the command line.
pub const COMMAND_LINE: &str = "(command line)";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    pub day: Date,
    /// The advisor key's label (or its id when it has none), or
    /// [`COMMAND_LINE`].
    pub actor: String,
    /// The English line, as recorded.
    pub action: String,
    /// The action as data, to show in another language; `None` for rows
    /// recorded before schema version 12 (or of a kind this version does not
    /// know): those show their English line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Action>,
}

impl AuditEntry {
    /// The line in `lang`, and the language it is actually in (an old row
    /// without detail stays English).
    pub fn text(&self, lang: Lang) -> (String, Lang) {
        match &self.detail {
            Some(a) => (a.text(lang), lang),
            None => (self.action.clone(), Lang::En),
        }
    }
}

/// Records one set-up action: its English line and the action as JSON.
pub fn record(conn: &Connection, day: Date, actor: &str, action: &Action) -> Result<()> {
    let detail = serde_json::to_string(action).expect("an action serialises");
    conn.execute(
        "INSERT INTO audit (day, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![day, actor, action.text(Lang::En), detail],
    )?;
    Ok(())
}

/// The whole log, newest first.
pub fn audit_log(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT day, actor, action, detail FROM audit ORDER BY id DESC")?;
    let rows = stmt.query_map([], |r| {
        let detail: Option<String> = r.get(3)?;
        Ok(AuditEntry {
            day: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The key behind a live browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey {
    pub key_id: i64,
    pub principal: Principal,
    /// The key's label, or `key {id}` when it has none.
    pub label: String,
    /// Unix seconds when the session ends.
    pub expires_at: i64,
}

/// The key of a live session (its key not revoked since).
pub fn session_key(
    conn: &Connection,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<Option<SessionKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.key_id, s.expires_at, k.role, k.team_id, k.label
         FROM sessions s JOIN keys k ON k.id = s.key_id
         WHERE s.hash = ?1 AND s.expires_at >= ?2 AND k.revoked_on IS NULL",
    )?;
    let row = stmt
        .query_row(params![session_hash.as_slice(), now], |r| {
            let key_id: i64 = r.get(0)?;
            let label: String = r.get(4)?;
            let expires_at: i64 = r.get(1)?;
            Ok(
                principal_of(&r.get::<_, String>(2)?, r.get(3)?).map(|principal| SessionKey {
                    key_id,
                    principal,
                    label: if label.trim().is_empty() {
                        format!("key {key_id}")
                    } else {
                        label
                    },
                    expires_at,
                }),
            )
        })
        .optional()?;
    Ok(row.flatten())
}

/// Sets k for rounds opened from now on; open and closed rounds keep theirs.
pub fn set_k(conn: &mut Connection, k: K) -> Result<()> {
    super::org(conn)?;
    conn.execute("UPDATE org SET k = ?1 WHERE id = 1", [k.get()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        super::super::migrate::migrate(&mut c, std::path::Path::new(":memory:")).unwrap();
        c
    }

    #[test]
    fn an_action_is_stored_as_its_english_line_and_as_data() {
        let c = db();
        let day: Date = "2026-03-02".parse().unwrap();
        let added = Action::TeamAdded {
            team: "noord".into(),
            name: "Noord".into(),
        };
        record(&c, day, "vp", &added).unwrap();
        let (line, detail): (String, String) = c
            .query_row("SELECT action, detail FROM audit", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(line, "team added: Noord (noord)");
        assert_eq!(serde_json::from_str::<Action>(&detail).unwrap(), added);
        let log = audit_log(&c).unwrap();
        assert_eq!(log[0].detail.as_ref(), Some(&added));
        assert_eq!(
            log[0].text(Lang::Nl),
            ("team toegevoegd: Noord (noord)".to_string(), Lang::Nl)
        );
        assert_eq!(log[0].text(Lang::En).0, "team added: Noord (noord)");
        let json = serde_json::to_value(&log[0]).unwrap();
        assert_eq!(json["action"], "team added: Noord (noord)");
        assert_eq!(json["detail"]["what"], "team_added");
    }

    #[test]
    fn an_old_row_without_detail_shows_its_english_line() {
        let c = db();
        c.execute_batch(
            "INSERT INTO audit (day, actor, action) VALUES ('2025-01-02', 'vp', 'team x archived');
             INSERT INTO audit (day, actor, action, detail)
                VALUES ('2025-01-03', 'vp', 'something newer', '{\"what\":\"later\"}');",
        )
        .unwrap();
        let log = audit_log(&c).unwrap();
        assert_eq!(log.len(), 2);
        assert!(log.iter().all(|e| e.detail.is_none()));
        assert_eq!(
            log[0].text(Lang::Nl),
            ("something newer".to_string(), Lang::En)
        );
        assert_eq!(
            log[1].text(Lang::Nl),
            ("team x archived".to_string(), Lang::En)
        );
        assert!(
            serde_json::to_value(&log[1])
                .unwrap()
                .get("detail")
                .is_none()
        );
    }
}
