use crate::db::StoreError;

/// A problem with one input field; `code` names a catalog entry `error.{code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self {
            field,
            code,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: String) -> Self {
        self.args.push((name, value));
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("some fields are invalid")]
    Invalid(Vec<FieldError>),
    #[error("the email address or password is wrong")]
    InvalidCredentials,
    #[error("the email address has not been verified yet")]
    EmailNotVerified,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    /// Too many passwords are being hashed at once; nothing was checked or changed.
    #[error("the server is busy; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: i64 },
    #[error("the link is invalid, used or expired")]
    InvalidLink,
    #[error("the code is wrong or has expired")]
    InvalidCode,
    #[error("the robot check failed or expired")]
    BotCheck,
    #[error("that email address cannot be used")]
    EmailUnavailable,
    #[error("no such account")]
    NotFound,
    /// Said only to someone who proved the password (or the upstream
    /// identity): it reveals nothing to a guesser.
    #[error("the account is disabled; contact the administrator")]
    Disabled,
    #[error("the address is verified already")]
    AlreadyVerified,
    /// An administrator's token cannot disable or delete its own account.
    #[error("administrators cannot disable or delete their own account")]
    OwnAccount,
    /// Deleting the account would leave a company without an administrator.
    #[error("the account is the last administrator of {organization}")]
    LastOrganizationAdmin { organization: String },
    /// The address's organization signs its people in through its own
    /// provider only.
    #[error(
        "{organization} signs you in through its own single sign-on; use the button to continue"
    )]
    SsoRequired {
        organization: String,
        provider_id: String,
    },
    /// Second factors change only soon after a sign-in.
    #[error("sign in again to change how you sign in")]
    SignInAgain,
    #[error("an authenticator app is set up already; remove it first")]
    SecondFactorExists,
    #[error("start setting up the authenticator app again")]
    SecondFactorNotStarted,
    #[error(transparent)]
    Passkey(#[from] crate::passkeys::PasskeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for AccountError {
    fn from(e: diesel::result::Error) -> Self {
        AccountError::Store(StoreError::Query(e))
    }
}

impl From<super::HasherBusy> for AccountError {
    fn from(e: super::HasherBusy) -> Self {
        AccountError::Busy {
            retry_after_secs: e.retry_after_secs,
        }
    }
}

impl From<FieldError> for AccountError {
    fn from(e: FieldError) -> Self {
        AccountError::Invalid(vec![e])
    }
}

impl AccountError {
    /// Turns collected field problems into an error, or `Ok` when there are none.
    pub fn check(errors: Vec<FieldError>) -> Result<(), AccountError> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AccountError::Invalid(errors))
        }
    }
}
