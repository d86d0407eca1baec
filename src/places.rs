//! Where the user is: the checking page or one of the ledger's places (利用者, 記録一覧, …),
//! and the address of each.
//!
//! The place lives in the address's `#` part (`#/ledger/records`), so the browser's back
//! button and a bookmark work, also from `file://`. Nothing personal goes there: the chosen
//! client is held by the page (`ui::places::ChosenClient`), never in the address, because
//! browsers keep and may sync their history. A `#` that is no place (the skip link's
//! `#main`) changes nothing.

/// The places of the ledger, in the order of its menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerPlace {
    /// 利用者: find a client by name or かな (the default place).
    Clients,
    /// One client's page: versions per provider, events, print (the client from
    /// [`ChosenClient`]; without one, the list).
    Client,
    /// 記録一覧: every recorded act, searchable.
    Records,
    /// 記録を追加: the later events (取込, 保存場所, 同意, 交付 …).
    Add,
    /// 添付・送受信一覧: the month's send/receive list and documents behind entries.
    Attachments,
    /// 運営指導の印刷.
    Print,
    /// 更新・期限: licence, certificates, password, client app.
    Renewals,
    /// 証跡の保存と管理: the keeping sheet for the operating-rules binder.
    Keeping,
    /// バックアップ・台帳フォルダ.
    Backup,
    /// 設定.
    Settings,
}

/// The menu of the ledger: every place but a client's own page.
pub const LEDGER_MENU: [LedgerPlace; 9] = [
    LedgerPlace::Clients,
    LedgerPlace::Records,
    LedgerPlace::Add,
    LedgerPlace::Attachments,
    LedgerPlace::Print,
    LedgerPlace::Renewals,
    LedgerPlace::Keeping,
    LedgerPlace::Backup,
    LedgerPlace::Settings,
];

impl LedgerPlace {
    pub fn label(self) -> &'static str {
        match self {
            LedgerPlace::Clients | LedgerPlace::Client => "利用者",
            LedgerPlace::Records => "記録一覧",
            LedgerPlace::Add => "記録を追加",
            LedgerPlace::Attachments => "添付・送受信一覧",
            LedgerPlace::Print => "運営指導の印刷",
            LedgerPlace::Renewals => "更新・期限",
            LedgerPlace::Keeping => "保存と管理の記録",
            LedgerPlace::Backup => "バックアップ・台帳フォルダ",
            LedgerPlace::Settings => "設定",
        }
    }

    /// The place's word in addresses and element ids.
    pub fn slug(self) -> &'static str {
        match self {
            LedgerPlace::Clients => "clients",
            LedgerPlace::Client => "client",
            LedgerPlace::Records => "records",
            LedgerPlace::Add => "add",
            LedgerPlace::Attachments => "attachments",
            LedgerPlace::Print => "print",
            LedgerPlace::Renewals => "renewals",
            LedgerPlace::Keeping => "keeping",
            LedgerPlace::Backup => "backup",
            LedgerPlace::Settings => "settings",
        }
    }

    /// Whether the menu entry `self` is the current one when at `at`.
    pub fn is_menu_of(self, at: LedgerPlace) -> bool {
        self == at || (self == LedgerPlace::Clients && at == LedgerPlace::Client)
    }
}

/// Where the user is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// ファイルを点検 (the start screen).
    Check,
    Ledger(LedgerPlace),
}

impl Place {
    /// The address's `#` part for this place.
    pub fn href(self) -> String {
        match self {
            Place::Check => "#/check".into(),
            Place::Ledger(p) => format!("#/ledger/{}", p.slug()),
        }
    }

    /// The place of an address's `#` part: `None` for a `#` that is not a place (the skip
    /// link's `#main`); an unknown place of the ledger is its first place.
    pub fn from_hash(hash: &str) -> Option<Place> {
        let path = hash.strip_prefix("#/")?;
        if path == "check" {
            return Some(Place::Check);
        }
        let rest = path.strip_prefix("ledger")?;
        let slug = rest.trim_start_matches('/');
        let place = [LedgerPlace::Client]
            .into_iter()
            .chain(LEDGER_MENU)
            .find(|p| p.slug() == slug)
            .unwrap_or(LedgerPlace::Clients);
        Some(Place::Ledger(place))
    }

    pub fn is_ledger(self) -> bool {
        matches!(self, Place::Ledger(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_an_address_that_leads_back_to_it() {
        let all = [Place::Check, Place::Ledger(LedgerPlace::Client)]
            .into_iter()
            .chain(LEDGER_MENU.map(Place::Ledger));
        for p in all {
            assert_eq!(Place::from_hash(&p.href()), Some(p), "{}", p.href());
        }
        let clients = Some(Place::Ledger(LedgerPlace::Clients));
        assert_eq!(Place::from_hash("#/ledger"), clients);
        assert_eq!(Place::from_hash("#/ledger/nothing"), clients);
        assert_eq!(Place::from_hash(""), None);
        assert_eq!(
            Place::from_hash("#main"),
            None,
            "the skip link stays where it is"
        );
        assert_eq!(Place::from_hash("#/elsewhere"), None);
    }
}
