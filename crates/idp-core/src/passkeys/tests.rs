//! Passkeys end to end against a software authenticator (1Password's
//! `passkey` crates: a CTAP2 authenticator behind a WebAuthn client), which
//! answers with the JSON a browser's `PublicKeyCredential.toJSON()` gives.
//! Each test runs on SQLite and on PostgreSQL.

use diesel::prelude::*;
use diesel::PgConnection;
use passkey::authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck,
    UserValidationMethod,
};
use passkey::client::{Client, DefaultClientData};
use passkey::crypto::AvailableBackend;
use passkey::types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey::types::ctap2::{Aaguid, Ctap2Error, StatusCode};
use passkey::types::webauthn::{
    CredentialCreationOptions, CredentialRequestOptions, PublicKeyCredentialDescriptor,
};
use passkey::types::Passkey as StoredKey;
use url::Url;

use super::*;
use crate::config::{Settings, Toggle};
use crate::db::schema::accounts;

const ISSUER: &str = "https://idp.example.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A PostgreSQL database made for one test and dropped after it (trust
/// auth on loopback, as scripts/ensure-postgres sets up).
struct PgTestDb {
    admin: String,
    name: String,
    url: String,
}

impl PgTestDb {
    fn create() -> Self {
        let admin = std::env::var("IDP_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let name = format!("idp_test_{}", crate::crypto::random_digits(12));
        let mut conn = PgConnection::establish(&admin)
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for tests: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Self {
            url: format!("{base}/{name}"),
            admin,
            name,
        }
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// An idp on a fresh database, with nothing listening.
struct TestIdp {
    idp: Idp,
    _pg: Option<PgTestDb>,
    _dir: tempfile::TempDir,
}

impl TestIdp {
    fn open(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = (backend == Backend::Postgres).then(PgTestDb::create);
        let settings = Settings {
            issuer: ISSUER.into(),
            data_dir: dir.path().to_path_buf(),
            bot_check: Toggle::Off,
            database_url: Some(match &pg {
                Some(db) => db.url.clone(),
                None => format!("sqlite://{}", dir.path().join("idp.db").display()),
            }),
            ..Settings::default()
        };
        let idp = Idp::open(settings).expect("idp opens");
        Self {
            idp,
            _pg: pg,
            _dir: dir,
        }
    }

    fn account(&self, email: &str) -> Account {
        let now = now();
        let account = Account {
            id: new_id(),
            email: email.into(),
            email_verified: true,
            password_hash: None,
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            birthdate: None,
            marketing_opt_in: false,
            is_admin: false,
            locale: "en".into(),
            created_at: now,
            updated_at: now,
            disabled_at: None,
        };
        self.idp
            .db
            .write(|conn| {
                diesel::insert_into(accounts::table)
                    .values(&account)
                    .execute(conn)
                    .map_err(StoreError::from)
            })
            .expect("account stored");
        account
    }

    /// Registers a passkey of `device` on `account`, named `name`.
    fn register(&self, device: &mut Device, account: &Account, name: &str) -> PasskeyInfo {
        let (token, options) = self.idp.start_passkey_registration(account).unwrap();
        let response = device.create(ISSUER, &options);
        self.idp
            .finish_passkey_registration(account, &token, &response, name)
            .unwrap()
    }
}

/// Says yes to every presence and verification check, as a person who
/// touches the key and enters the PIN would.
struct Person;

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = StoredKey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, StoredKey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }
}

/// The keys an authenticator holds, by credential ID; every one is resident
/// (discoverable), as on a phone or a password manager.
#[derive(Clone, Default)]
struct Keyring(std::collections::HashMap<Vec<u8>, StoredKey>);

#[async_trait::async_trait]
impl CredentialStore for Keyring {
    type PasskeyItem = StoredKey;

    async fn find_credentials(
        &self,
        allowed: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        _user_handle: Option<&[u8]>,
    ) -> Result<Vec<StoredKey>, StatusCode> {
        let found: Vec<StoredKey> = match allowed.filter(|a| !a.is_empty()) {
            Some(allowed) => allowed
                .iter()
                .filter_map(|d| self.0.get(&*d.id))
                .cloned()
                .collect(),
            None => self
                .0
                .values()
                .filter(|k| k.rp_id == rp_id)
                .cloned()
                .collect(),
        };
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        key: StoredKey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: Options,
    ) -> Result<(), StatusCode> {
        self.0.insert(key.credential_id.to_vec(), key);
        Ok(())
    }

    async fn update_credential(&mut self, key: &StoredKey) -> Result<(), StatusCode> {
        self.0.insert(key.credential_id.to_vec(), key.clone());
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

/// A browser with a software authenticator that stores resident keys and
/// counts signatures.
struct Device {
    client: Client<Keyring, Person, AvailableBackend, public_suffix::PublicSuffixList, ()>,
    runtime: tokio::runtime::Runtime,
}

impl Device {
    fn new() -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            Keyring::default(),
            Person,
            AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        Self {
            client: Client::new(authenticator),
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
        }
    }

    /// `navigator.credentials.create(options)` on a page of `origin`, as JSON.
    fn create(&mut self, origin: &str, options: &serde_json::Value) -> serde_json::Value {
        let request: CredentialCreationOptions = serde_json::from_value(options.clone()).unwrap();
        let origin = Url::parse(origin).unwrap();
        let created = self
            .runtime
            .block_on(self.client.register(&origin, request, DefaultClientData))
            .expect("the authenticator registers");
        serde_json::to_value(created).unwrap()
    }

    /// `navigator.credentials.get(options)` on a page of `origin`, as JSON.
    fn get(&mut self, origin: &str, options: &serde_json::Value) -> serde_json::Value {
        let mut options = options.clone();
        // A button press, not autofill: the page drops the mediation.
        options.as_object_mut().unwrap().remove("mediation");
        let request: CredentialRequestOptions = serde_json::from_value(options).unwrap();
        let origin = Url::parse(origin).unwrap();
        let asserted = self
            .runtime
            .block_on(
                self.client
                    .authenticate(&origin, request, DefaultClientData),
            )
            .expect("the authenticator signs");
        serde_json::to_value(asserted).unwrap()
    }

    fn keys(&self) -> Keyring {
        self.client.authenticator().store().clone()
    }

    fn restore(&mut self, keys: Keyring) {
        *self.client.authenticator_mut().store_mut() = keys;
    }
}

fn invalid(result: Result<impl std::fmt::Debug, PasskeyError>) -> String {
    match result {
        Err(PasskeyError::InvalidResponse(message)) => message,
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

/// Generates a SQLite and a PostgreSQL test from each `fn name(Backend)`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(super::Backend::Sqlite);
            }
            #[test]
            fn postgres() {
                super::$name(super::Backend::Postgres);
            }
        }
    )*};
}

on_both_databases!(
    a_registered_passkey_is_a_second_factor,
    a_passkey_signs_in_without_a_name,
    a_ceremony_is_used_once,
    a_ceremony_of_another_account_is_refused,
    another_origin_is_refused,
    a_removed_passkey_no_longer_signs_in,
    malformed_answers_are_refused_not_panicked_on,
    an_account_has_at_most_ten_passkeys,
    a_copied_passkey_is_refused,
    a_disabled_account_cannot_use_its_passkey,
    names_are_checked_and_passkeys_renamed,
    expired_ceremonies_are_refused_and_purged,
);

fn a_registered_passkey_is_a_second_factor(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut laptop = Device::new();
    assert!(!t.idp.has_passkeys(&ada.id).unwrap());

    let (token, options) = t.idp.start_passkey_registration(&ada).unwrap();
    let selection = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "preferred");
    assert_eq!(selection["userVerification"], "required");
    assert_eq!(options["publicKey"]["rp"]["id"], "idp.example.com");
    let response = laptop.create(ISSUER, &options);
    let info = t
        .idp
        .finish_passkey_registration(&ada, &token, &response, "  Work laptop ")
        .unwrap();
    assert_eq!(info.name, "Work laptop");
    assert!(info.discoverable, "the authenticator kept a resident key");
    assert_eq!(info.last_used_at, None);
    assert_eq!(t.idp.list_passkeys(&ada.id).unwrap(), vec![info.clone()]);
    assert!(t.idp.has_passkeys(&ada.id).unwrap());

    // The second registration excludes the first credential.
    let (_, again) = t.idp.start_passkey_registration(&ada).unwrap();
    assert_eq!(
        again["publicKey"]["excludeCredentials"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    assert_eq!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let response = laptop.get(ISSUER, &options);
    let used = t
        .idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();
    assert_eq!(
        used,
        PasskeyUse {
            account_id: ada.id.clone(),
            passkey_id: info.id.clone(),
            user_verified: true,
        }
    );
    let listed = t.idp.list_passkeys(&ada.id).unwrap();
    assert!(listed[0].last_used_at.is_some());

    // The stored counter moved on, and the next use goes on from there.
    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let response = laptop.get(ISSUER, &options);
    t.idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();
}

fn a_passkey_signs_in_without_a_name(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let bob = t.account("bob@example.com");
    let mut adas_phone = Device::new();
    let mut bobs_phone = Device::new();
    let adas = t.register(&mut adas_phone, &ada, "Phone");
    let bobs = t.register(&mut bobs_phone, &bob, "Phone");

    let (token, options) = t.idp.start_passkey_authentication(None).unwrap();
    assert_eq!(options["mediation"], "conditional");
    let response = bobs_phone.get(ISSUER, &options);
    assert!(response["response"]["userHandle"].is_string());
    let used = t
        .idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();
    assert_eq!((used.account_id, used.passkey_id), (bob.id, bobs.id));

    let (token, options) = t.idp.start_passkey_authentication(None).unwrap();
    let response = adas_phone.get(ISSUER, &options);
    let used = t
        .idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();
    assert_eq!((used.account_id, used.passkey_id), (ada.id, adas.id));
    assert!(used.user_verified);
}

fn a_ceremony_is_used_once(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut laptop = Device::new();
    t.register(&mut laptop, &ada, "Laptop");

    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let response = laptop.get(ISSUER, &options);
    t.idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();
    assert!(matches!(
        t.idp.finish_passkey_authentication(&token, &response),
        Err(PasskeyError::UnknownCeremony)
    ));

    // A failed attempt uses it up too.
    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let good = laptop.get(ISSUER, &options);
    let mut forged = good.clone();
    forged["response"]["signature"] = serde_json::json!("AAAA");
    invalid(t.idp.finish_passkey_authentication(&token, &forged));
    assert!(matches!(
        t.idp.finish_passkey_authentication(&token, &good),
        Err(PasskeyError::UnknownCeremony)
    ));

    // A registration's token is no sign-in's, and no token is no token.
    let (register, _) = t.idp.start_passkey_registration(&ada).unwrap();
    for token in [register.as_str(), "", "nonsense", &"x".repeat(10_000)] {
        assert!(matches!(
            t.idp.finish_passkey_authentication(token, &good),
            Err(PasskeyError::UnknownCeremony)
        ));
    }
}

fn a_ceremony_of_another_account_is_refused(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let eve = t.account("eve@example.com");
    let mut adas_key = Device::new();
    let mut eves_key = Device::new();
    t.register(&mut adas_key, &ada, "Key");
    t.register(&mut eves_key, &eve, "Key");

    // Eve finishes Ada's registration with her own key: refused, and Ada's
    // ceremony is still hers to finish.
    let (token, options) = t.idp.start_passkey_registration(&ada).unwrap();
    let response = Device::new().create(ISSUER, &options);
    assert!(matches!(
        t.idp
            .finish_passkey_registration(&eve, &token, &response, "Stolen"),
        Err(PasskeyError::UnknownCeremony)
    ));
    t.idp
        .finish_passkey_registration(&ada, &token, &response, "Second key")
        .unwrap();
    assert_eq!(t.idp.count_passkeys(&ada.id).unwrap(), 2);
    assert_eq!(t.idp.count_passkeys(&eve.id).unwrap(), 1);

    // Eve answers the second-factor ceremony started for Ada with her own
    // passkey (built for a ceremony of hers): refused.
    let (adas_token, _) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let (_, eves_options) = t.idp.start_passkey_authentication(Some(&eve)).unwrap();
    let eves_answer = eves_key.get(ISSUER, &eves_options);
    invalid(
        t.idp
            .finish_passkey_authentication(&adas_token, &eves_answer),
    );

    // A registration answer cannot be moved to another account's ceremony
    // either: the challenge is the ceremony's.
    let (adas_token, _) = t.idp.start_passkey_registration(&ada).unwrap();
    let (_, eves_options) = t.idp.start_passkey_registration(&eve).unwrap();
    let answer = Device::new().create(ISSUER, &eves_options);
    invalid(
        t.idp
            .finish_passkey_registration(&ada, &adas_token, &answer, "Moved"),
    );
}

fn another_origin_is_refused(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut laptop = Device::new();

    // A look-alike site relays our options to the person's browser.
    let (token, options) = t.idp.start_passkey_registration(&ada).unwrap();
    let mut relayed = options.clone();
    relayed["publicKey"]["rp"]["id"] = serde_json::json!("idp.example.com.evil.example");
    let phished = laptop.create("https://idp.example.com.evil.example", &relayed);
    invalid(
        t.idp
            .finish_passkey_registration(&ada, &token, &phished, "Laptop"),
    );
    assert_eq!(t.idp.count_passkeys(&ada.id).unwrap(), 0);

    t.register(&mut laptop, &ada, "Laptop");
    // A subdomain of ours may use our RP ID, but is not our origin.
    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let response = laptop.get("https://login.idp.example.com", &options);
    invalid(t.idp.finish_passkey_authentication(&token, &response));
}

fn a_removed_passkey_no_longer_signs_in(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let eve = t.account("eve@example.com");
    let mut laptop = Device::new();
    let info = t.register(&mut laptop, &ada, "Laptop");

    // Started before the removal, finished after it.
    let (second_factor, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let second_answer = laptop.get(ISSUER, &options);
    let (nameless, options) = t.idp.start_passkey_authentication(None).unwrap();
    let nameless_answer = laptop.get(ISSUER, &options);

    assert!(matches!(
        t.idp.remove_passkey(&eve.id, &info.id),
        Err(PasskeyError::NotFound)
    ));
    t.idp.remove_passkey(&ada.id, &info.id).unwrap();
    assert!(matches!(
        t.idp.remove_passkey(&ada.id, &info.id),
        Err(PasskeyError::NotFound)
    ));
    assert!(!t.idp.has_passkeys(&ada.id).unwrap());

    invalid(
        t.idp
            .finish_passkey_authentication(&second_factor, &second_answer),
    );
    invalid(
        t.idp
            .finish_passkey_authentication(&nameless, &nameless_answer),
    );
    assert!(matches!(
        t.idp.start_passkey_authentication(Some(&ada)),
        Err(PasskeyError::NotFound)
    ));
}

fn malformed_answers_are_refused_not_panicked_on(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut laptop = Device::new();
    t.register(&mut laptop, &ada, "Laptop");
    let (_, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let good = laptop.get(ISSUER, &options);

    let mut truncated_data = good.clone();
    truncated_data["response"]["authenticatorData"] = serde_json::json!("AAAA");
    let mut bad_client_data = good.clone();
    bad_client_data["response"]["clientDataJSON"] = serde_json::json!("bm90IGpzb24");
    let mut not_base64 = good.clone();
    not_base64["rawId"] = serde_json::json!("!!!");
    let mut empty_id = good.clone();
    empty_id["rawId"] = serde_json::json!("");
    let answers = [
        serde_json::json!(null),
        serde_json::json!("a string"),
        serde_json::json!([1, 2, 3]),
        serde_json::json!({}),
        serde_json::json!({"id": 1, "rawId": {"x": []}}),
        serde_json::json!({"id": "", "rawId": "", "type": "public-key", "response": {}}),
        truncated_data,
        bad_client_data,
        not_base64,
        empty_id,
    ];
    for answer in &answers {
        let (token, _) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
        invalid(t.idp.finish_passkey_authentication(&token, answer));
        let (token, _) = t.idp.start_passkey_authentication(None).unwrap();
        invalid(t.idp.finish_passkey_authentication(&token, answer));
        let (token, _) = t.idp.start_passkey_registration(&ada).unwrap();
        invalid(
            t.idp
                .finish_passkey_registration(&ada, &token, answer, "Key"),
        );
    }
}

fn an_account_has_at_most_ten_passkeys(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    // Ten ceremonies open at once: only ten passkeys come of eleven.
    let mut open = Vec::new();
    for _ in 0..=MAX_PASSKEYS {
        let (token, options) = t.idp.start_passkey_registration(&ada).unwrap();
        open.push((token, Device::new().create(ISSUER, &options)));
    }
    let mut results = open
        .iter()
        .enumerate()
        .map(|(i, (token, answer))| {
            t.idp
                .finish_passkey_registration(&ada, token, answer, &format!("Key {i}"))
        })
        .collect::<Vec<_>>();
    assert!(matches!(results.pop(), Some(Err(PasskeyError::TooMany))));
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(t.idp.count_passkeys(&ada.id).unwrap(), MAX_PASSKEYS);
    assert!(matches!(
        t.idp.start_passkey_registration(&ada),
        Err(PasskeyError::TooMany)
    ));

    let first = &t.idp.list_passkeys(&ada.id).unwrap()[0];
    t.idp.remove_passkey(&ada.id, &first.id).unwrap();
    t.register(&mut Device::new(), &ada, "Replacement");
}

fn a_copied_passkey_is_refused(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut key = Device::new();
    t.register(&mut key, &ada, "Key");
    let copy = key.keys();

    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let response = key.get(ISSUER, &options);
    t.idp
        .finish_passkey_authentication(&token, &response)
        .unwrap();

    // A copy signs with the counter it had when it was copied.
    for discoverable in [false, true] {
        let mut clone = Device::new();
        clone.restore(copy.clone());
        let (token, options) = t
            .idp
            .start_passkey_authentication((!discoverable).then_some(&ada))
            .unwrap();
        let response = clone.get(ISSUER, &options);
        let message = invalid(t.idp.finish_passkey_authentication(&token, &response));
        assert!(message.contains("copied"), "{message}");
    }
}

fn a_disabled_account_cannot_use_its_passkey(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut key = Device::new();
    t.register(&mut key, &ada, "Key");
    let (token, options) = t.idp.start_passkey_authentication(None).unwrap();
    let response = key.get(ISSUER, &options);

    let disabled = t
        .idp
        .disable_user(&crate::accounts::Administrator::Operator, &ada.id);
    assert!(disabled.is_ok(), "{disabled:?}");
    assert!(matches!(
        t.idp.finish_passkey_authentication(&token, &response),
        Err(PasskeyError::Disabled)
    ));
    let ada = t
        .idp
        .db
        .read(|c| Account::find(c, &ada.id).map_err(StoreError::from))
        .unwrap()
        .unwrap();
    assert!(matches!(
        t.idp.start_passkey_authentication(Some(&ada)),
        Err(PasskeyError::Disabled)
    ));
    assert!(matches!(
        t.idp.start_passkey_registration(&ada),
        Err(PasskeyError::Disabled)
    ));
}

fn names_are_checked_and_passkeys_renamed(backend: Backend) {
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let eve = t.account("eve@example.com");
    let mut key = Device::new();

    let (token, options) = t.idp.start_passkey_registration(&ada).unwrap();
    let response = key.create(ISSUER, &options);
    let too_long = "é".repeat(MAX_NAME + 1);
    for bad in ["", "   ", "tab\there", "new\nline", too_long.as_str()] {
        assert!(matches!(
            t.idp
                .finish_passkey_registration(&ada, &token, &response, bad),
            Err(PasskeyError::NameInvalid)
        ));
    }
    // A refused name leaves the ceremony open.
    let longest = "é".repeat(MAX_NAME);
    let info = t
        .idp
        .finish_passkey_registration(&ada, &token, &response, &longest)
        .unwrap();
    assert_eq!(info.name, longest);

    let renamed = t
        .idp
        .rename_passkey(&ada.id, &info.id, " YubiKey 5 ")
        .unwrap();
    assert_eq!(renamed.name, "YubiKey 5");
    assert!(matches!(
        t.idp.rename_passkey(&ada.id, &info.id, "\u{7}"),
        Err(PasskeyError::NameInvalid)
    ));
    assert!(matches!(
        t.idp.rename_passkey(&eve.id, &info.id, "Mine now"),
        Err(PasskeyError::NotFound)
    ));
    assert_eq!(t.idp.list_passkeys(&ada.id).unwrap()[0].name, "YubiKey 5");
}

fn expired_ceremonies_are_refused_and_purged(backend: Backend) {
    use crate::db::schema::webauthn_ceremonies as c;
    let t = TestIdp::open(backend);
    let ada = t.account("ada@example.com");
    let mut key = Device::new();
    t.register(&mut key, &ada, "Key");
    let (token, options) = t.idp.start_passkey_authentication(Some(&ada)).unwrap();
    let response = key.get(ISSUER, &options);
    let (_open, _) = t.idp.start_passkey_authentication(None).unwrap();
    t.idp
        .db
        .write(|conn| {
            diesel::update(c::table.filter(c::id.eq(crate::crypto::sha256_hex(&token))))
                .set(c::expires_at.eq(now() - chrono::Duration::seconds(1)))
                .execute(conn)
                .map_err(StoreError::from)
        })
        .unwrap();
    assert_eq!(t.idp.purge_expired_ceremonies().unwrap(), 1);
    assert!(matches!(
        t.idp.finish_passkey_authentication(&token, &response),
        Err(PasskeyError::UnknownCeremony)
    ));
    let left: i64 = t
        .idp
        .db
        .read(|conn| c::table.count().get_result(conn).map_err(StoreError::from))
        .unwrap();
    assert_eq!(left, 1, "the open ceremony stays");
}

#[test]
fn an_issuer_without_a_domain_name_offers_no_passkeys() {
    for issuer in ["http://127.0.0.1:8080", "http://[::1]:8080", "not a url"] {
        assert!(matches!(
            relying_party::webauthn(issuer),
            Err(PasskeyError::Unavailable(_))
        ));
    }
    for issuer in [
        ISSUER,
        "http://localhost:8080",
        "https://idp.example.com/base",
    ] {
        assert!(relying_party::webauthn(issuer).is_ok(), "{issuer}");
    }
}

#[test]
fn user_handles_are_stable_and_per_account() {
    assert_eq!(
        relying_party::user_handle("a"),
        relying_party::user_handle("a")
    );
    assert_ne!(
        relying_party::user_handle("a"),
        relying_party::user_handle("b")
    );
}
