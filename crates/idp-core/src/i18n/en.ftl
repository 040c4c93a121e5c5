# English: the fallback catalog. Every message the code uses is here, and
# every other catalog has exactly the same messages.
# { $name } placeholders are filled in by the code; numbers select plural forms.

## nav

nav-sign_in = Sign in
nav-log_out = Log out
nav-my_profile = My Profile
nav-my_company = My Company

## link

link-forgot_password = Forgotten your password?
link-sign_up = Create an account
link-start_again = Start again
link-send_new_code = Send me a new code

## button

button-sign_in = Sign in
button-join = Join { $organization }
button-create_organization = Create organization
button-upload_logo = Upload logo
button-delete_logo = Remove logo
button-create_branch = Create branch
button-accept_agreement = Accept for the organization
button-verify_domain = Check the DNS record now
button-claim_domain = Add domain
button-delete_sso = Turn company sign-in off
button-delete_organization = Delete this organization and all its branches
button-leave_organization = Leave this organization
button-make_admin = Make administrator
button-make_member = Make member
button-remove_member = Remove
button-resend_invitation = Send again
button-revoke_invitation = Revoke
button-invite = Send invitation
button-company_sign_in = Sign in through my company
button-create_account = Create account
button-resend_verification = Send the verification email again
button-verify_email = Verify my email address
button-get_code = Get code
button-next = Next
button-set_password = Set new password
button-save = Save
button-change_password = Change password
button-change_email = Change email address
button-subscribe = Subscribe to news and offers
button-unsubscribe = Unsubscribe from marketing email
button-end_session = End this session
button-log_out = Log out
button-log_out_everywhere = Log out everywhere
button-delete_account = Delete my account
button-confirm_email = Confirm my new email address
button-allow = Allow { $app }
button-deny = Deny
button-continue = Continue
button-remove_app = Remove access for { $app }
button-continue_with = Continue with { $provider }
button-link_provider = Add { $provider }
button-unlink = Remove { $provider }
button-link_account = Link { $provider } and sign in
button-send_link_code = Email me a code
button-prove_password = Confirm with my password
button-prove_code = Confirm with the code
button-cancel = Cancel

## field

field-email = Email address
field-locale = Language
field-company_email = Work email address
field-password = Password
field-password_confirm = Confirm password
field-given_name = First name
field-family_name = Last name
field-birthdate = Date of birth
field-marketing_opt_in = Yes, send me the latest news, updates and offers by email.
field-code = Code from the email
field-current_password = Current password
field-new_password = New password
field-new_password_confirm = Confirm new password
field-new_email = New email address
field-name = Name
field-logo = Logo file
field-domain = Email domain (for example example.com)
field-issuer = Issuer URL of your sign-in service
field-client_id = Client ID
field-client_secret = Client secret (leave empty to keep the saved one)
field-require_sso = Everyone with an address in our verified domains must sign in through this service

## bot_check

bot_check-working = Checking that you are not a robot… this takes a few seconds.
bot_check-done = Done: you are not a robot.
bot_check-needs_javascript = The robot check needs JavaScript. Please turn JavaScript on for this site and reload the page.

## notice.company

notice-company-joined = Welcome! You are now a member.
notice-company-created = Your organization was created. You are its administrator.
notice-company-renamed = The name was saved.
notice-company-branch_created = The branch was created.
notice-company-deleted = The organization was deleted.
notice-company-logo_saved = The logo was saved.
notice-company-logo_deleted = The logo was removed.
notice-company-domain_claimed = The domain was added. Publish the TXT record shown, then check it.
notice-company-domain_verified = The domain is verified.
notice-company-sso_saved = Company sign-in was saved.
notice-company-sso_deleted = Company sign-in is off.
notice-company-agreement_accepted = The agreement was accepted for the organization.
notice-company-invited = The invitation was sent.
notice-company-resent = The invitation was sent again; the earlier link no longer works.
notice-company-revoked = The invitation was revoked.
notice-company-role_changed = The role was changed.
notice-company-removed = The member was removed.
notice-company-left = You left the organization.

## notice

notice-verified = Your email address is verified. You can sign in now.
notice-password_reset = Your password has been reset. Sign in with your new password.
notice-signed_out = You have signed out.
notice-email_changed = Your email address has been changed. Sign in with your new address from now on.
notice-confirm_email_sign_in = To confirm your new email address, sign in to the account that asked for it.
notice-profile_saved = Your profile has been saved.
notice-password_changed = Your password has been changed. Your other sessions have ended.
notice-email_change_sent = We sent a confirmation link to your new address. Nothing changes until you follow it.
notice-marketing_on = You are subscribed to marketing email.
notice-marketing_off = You will not receive marketing email any more.
notice-session_ended = The session has ended.
notice-sessions_ended = All your sessions have ended.
notice-language_saved = Your language has been saved. Pages and emails are in it from now on.
notice-app_removed = The app no longer has access. It will ask you again next time.
notice-identity_linked = The sign-in method has been added.
notice-identity_unlinked = The sign-in method has been removed.
notice-sign_in_to_link = For your safety, sign in again before adding a sign-in method.
notice-link_code_sent = If the account can receive mail, a code is on its way. It works for a quarter of an hour.

## page.error

page-error-title = Something went wrong

## page.login

page-login-title = Sign in
page-login-no_account = No account yet?
page-login-company_title = Signing in through your company?

## page.federation

page-federation-or = or
page-federation-complete_title = Complete your account
page-federation-complete_intro = You signed in with { $provider } as { $email }. A few details are missing before your account is ready.
page-federation-unverified_note = We will send a link to { $email } to verify it.
page-federation-link_title = Link your account
page-federation-link_intro = An account with the address { $email } exists already. To sign in to it with { $provider }, show that it is yours.
page-federation-link_no_password = This account has no password. We can email a code to { $email } instead.
page-federation-link_code_intro = Or get a code by email:
page-federation-confirm_title = Link { $provider }?
page-federation-confirm_intro = From now on you can sign in to the account { $email } with { $provider }.

## page.signup

page-signup-title = Create your account
page-signup-have_account = Already have an account?
page-signup-password_rule = Your password needs { $min } to { $max } characters and at least three of: upper-case letters, lower-case letters, numbers and symbols. Avoid common words and your email address.

## page.check_email

page-check_email-title = Check your email
page-check_email-body = We sent a message to { $email }. Follow the link in it to activate your account.
page-check_email-spam = Nothing arrived? Check your spam folder, or sign in to ask for the email again.

## page.resend

page-resend-body = If { $email } belongs to an account that still needs verifying, we sent a new link to it.

## page.verify_email

page-verify_email-title = Verify your email address
page-verify_email-resend_intro = Enter your email address and we will send you a new link.
page-verify_email-other_browser = This link was opened in another browser than the one you signed up in. To activate the account, enter the password you chose when you signed up. If you did not sign up, ignore the email: nothing happens without the password.

## page.forgot

page-forgot-title = Reset your password
page-forgot-intro = Enter the email address of your account. We will email you a code.

## page.forgot_code

page-forgot_code-title = Enter the code
page-forgot_code-intro = If { $email } belongs to an account, we sent a code to it. Copy the code from the email and paste it here.

## page.forgot_new

page-forgot_new-title = Choose a new password

## page.account

page-account-title = My Profile
page-account-signed_in_as = Signed in as { $email }
page-account-profile = Personal details
page-account-password = Password
page-account-email = Primary email address
page-account-email_hint = We will send a confirmation link to the new address. Your address changes only when you follow it.
page-account-marketing = Marketing email
page-account-marketing_on = You receive news, updates and offers by email.
page-account-marketing_off = You do not receive marketing email.
page-account-language = Language
page-account-language_hint = The language of these pages and of the emails we send you.
page-account-sessions = Where you are signed in
page-account-apps = Apps you allowed
page-account-no_apps = You have not allowed any app to use your account.
page-account-this_session = (this device)
page-account-delete = Delete account
page-account-delete_hint = This deletes your account and signs you out everywhere. It cannot be undone.
page-account-identities = Ways to sign in
page-account-no_password = Your account has no password yet: you sign in through a linked provider. Changing your email address or deleting the account asks for one.
page-account-set_password = Set a password
page-account-no_identities = You sign in with your email address and password only.
page-account-identity_line = { $provider } ({ $email }), linked { $linked }, last used { $used }
page-account-link_another = Add a way to sign in:

## page.deleted

page-deleted-title = Account deleted
page-deleted-body = Your account has been deleted.

## page.email_confirm

page-email_confirm-title = Confirm your new email address

## page.logout

page-logout-title = Log out

## page.unsubscribe

page-unsubscribe-title = Unsubscribe
page-unsubscribe-intro = Stop receiving marketing email from us? You will still receive messages about your account.
page-unsubscribe-done = You have been unsubscribed from marketing email.

## page.invitation

page-invitation-title = Join { $organization }
page-invitation-logo = { $organization } logo
page-invitation-intro = { $inviter } invites you to join { $organization } as { $role }.
page-invitation-role_admin = an administrator
page-invitation-role_member = a member
page-invitation-other_account = This invitation was sent to { $invited }, but you are signed in as { $current }.
page-invitation-switch = Sign in as { $invited }
page-invitation-have_account = Already have an account?
page-invitation-sign_in = Sign in as { $invited } to accept
page-invitation-new_here = New here? Create your account
page-invitation-address = Your account will use the address { $invited }, which this invitation has confirmed.

## page.company

page-company-list_title = My Company
page-company-none = You do not belong to any organization yet.
page-company-create = Create an organization
page-company-role_admin = Administrator
page-company-role_member = Member
page-company-your_role = Your role: { $role }
page-company-parent = Parent organization
page-company-colleagues_link = My Colleagues
page-company-logo = Logo
page-company-no_logo = No logo yet.
page-company-logo_rule = PNG, JPEG or WebP, at most 1 MiB and 1024×1024 pixels.
page-company-details = Details
page-company-branches = Branches
page-company-no_branches = No branches.
page-company-agreements = Agreements
page-company-no_agreements = No agreements to accept.
page-company-read = Read
page-company-accepted_by = accepted by { $email } on { $date }
page-company-awaits_admin = waiting for an administrator to accept
page-company-domains = Email domains
page-company-no_domains = No domains.
page-company-domain_inherited = verified for a parent organization
page-company-domain_verified = verified
page-company-domain_challenge = not verified yet: publish a TXT record { $record } with the value { $value }
page-company-sso = Company sign-in (SSO)
page-company-sso_on = People sign in through { $issuer }.
page-company-sso_required = Password sign-in is turned off for addresses in the verified domains.
page-company-sso_off = Company sign-in is not set up.
page-company-sso_redirect = Redirect URI to register at your provider:
page-company-sso_presets = Entra ID: https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0 · Okta: https://YOUR-ORG.okta.com (or https://YOUR-ORG.okta.com/oauth2/default). Register the redirect URI shown after saving at your provider.
page-company-events = Recent changes
page-company-when = When
page-company-who = Who
page-company-what = What
page-company-delete = Delete

## page.colleagues

page-colleagues-title = My Colleagues at { $organization }
page-colleagues-members = Members
page-colleagues-name = Name
page-colleagues-role = Role
page-colleagues-actions = Actions
page-colleagues-invitations = Invitations
page-colleagues-state = State
page-colleagues-state_pending = waiting
page-colleagues-state_accepted = accepted
page-colleagues-state_revoked = revoked
page-colleagues-state_expired = expired
page-colleagues-invite = Invite a colleague

## page.consent

page-consent-title = Allow { $app } to use your account?
page-consent-intro = { $app } asks to use your account { $email } for the following:
page-consent-policy = Privacy policy
page-consent-terms = Terms of service

## error

error-invalid_input = Some fields need your attention.
error-invalid_credentials = The email address or password is wrong.
error-email_not_verified = Please verify your email address first: follow the link in the email we sent you. Need a new one?
error-too_many_attempts =
    Too many failed attempts. Try again in { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }.
error-invalid_or_expired_link = This link is invalid, has been used already, or has expired.
error-invalid_or_expired_code = That code is wrong or has expired. Check the email, or ask for a new code.
error-bot_check_failed = The robot check failed or expired. Please try again.
error-email_unavailable = That email address cannot be used for this account.
error-not_found = That was not found.
error-account_disabled = This account has been disabled. Contact the administrator of this site.
error-already_verified = This email address is verified already.
error-own_account = You cannot disable or delete your own account here. Ask another administrator, or use the idp command on the server.
error-locale_unsupported = Choose a language this site offers.
error-last_admin = You are the last administrator of { $organization }. Make someone else an administrator, or delete the organization, first.
error-no_company_sign_in = No company sign-in is set up for this address. Sign in with your password above.
error-sso_required = { $organization } signs its people in through its own sign-in service. Use “Continue with { $organization }” below.
error-temporarily_unavailable = The service is temporarily unavailable. Please try again in a moment.
error-busy = The server is busy. Try again in a few seconds.
error-unauthenticated = Sign in first.
error-cookies_disabled = Your browser is refusing cookies. Signing in needs cookies: please allow cookies for this site, then reload the page and try again.
error-csrf = This form has expired or was sent from another site. Please reload the page and try again.
error-bad_form = The form could not be read: a field is missing or not valid text. Please reload the page and try again.
error-form_too_large = The form is too large. Please shorten what you typed and try again.
error-email_required = Enter your email address.
error-email_too_long = That email address is too long.
error-email_invalid = Enter an email address like name@example.com.
error-email_same = That is already your email address.
error-email_taken = An account with that email address already exists.
error-name_required = Enter a name.
error-name_too_long = Use at most { $max } characters.
error-name_invalid_characters = Names cannot contain < > " or control characters.
error-birthdate_required = Enter your date of birth.
error-birthdate_invalid = Enter a date like 1990-12-31.
error-birthdate_in_future = The date of birth cannot be in the future.
error-birthdate_too_old = Check the year of your date of birth.
error-password_too_short = Use at least { $min } characters.
error-password_too_long = Use at most { $max } characters.
error-password_control_characters = The password contains characters that cannot be typed.
error-password_too_few_kinds = Use at least three of: upper-case letters, lower-case letters, numbers and symbols.
error-password_contains_email = Do not use your email address in your password.
error-password_guessable = This password is too easy to guess. Add more words or characters, and avoid names, dates and common words.
error-password_mismatch = The passwords do not match.
error-current_password_wrong = Your current password is wrong.
error-verification_password_needed = Enter the password you chose when you signed up.
error-verification_password_wrong = That is not the password chosen at this sign-up.

## error.federation

error-federation-wrong_issuer = This sign-in link does not come from the provider it names. Start again from the sign-in page.
error-federation-unknown_provider = There is no such way to sign in here.
error-federation-disabled = Signing in with { $provider } is turned off. Sign in another way.
error-federation-state = This sign-in has expired, was used already, or was started in another browser. Start again from the sign-in page.
error-federation-cancelled = The sign-in was cancelled. You can start again, or sign in another way.
error-federation-unreachable = The provider could not be reached just now. Try again in a few minutes, or sign in another way.
error-federation-refused = The provider did not complete the sign-in. Start again from the sign-in page.
error-federation-invalid_token = The provider's answer could not be trusted, so you were not signed in. Start again from the sign-in page.
error-federation-tenant = Accounts of your organization cannot sign in here.
error-federation-no_email = The provider did not share an email address, which an account here needs. Allow it at the provider, or sign up with your email address.
error-federation-account_gone = The account this sign-in belonged to no longer exists.
error-federation-address_awaits_verification = An account with this email address is waiting for its address to be verified. Follow the link we emailed, or sign up again.
error-federation-address_taken = An account with this email address exists now. Start again from the sign-in page to link it.
error-federation-linked_elsewhere = This sign-in method belongs to another account already.
error-federation-not_signed_in = Sign in to the account you want to link first.
error-federation-pending = This step has expired or belongs to another browser. Start again from the sign-in page.
error-federation-not_proven = Prove that the account is yours first.
error-federation-last_way_in = This is the only way to sign in to your account, so it cannot be removed. Set a password first (Forgot your password?).
error-federation-no_such_identity = That sign-in method is not linked to your account.

## error.organization

error-organization-not_found = There is no such organization, or you are not a member of it.
error-organization-admin_only = Only an administrator of this organization may do that.
error-organization-last_admin = You are the last administrator of this company. Make someone else an administrator first.
error-organization-invitation_invalid = This invitation link does not work any more: it was used, revoked or replaced by a newer one. Ask for a new invitation.
error-organization-invitation_expired = This invitation has expired. Ask the person who invited you to send it again.
error-organization-invitation_for_someone_else = This invitation was sent to another email address.
error-organization-email_not_verified = Verify your email address first.
error-organization-already_member = That person is a member already.
error-organization-too_many_invitations = Too many invitations were sent in the last hour. Try again later.
error-organization-already_accepted = This version is accepted already.
error-organization-domain_taken = That domain belongs to another organization.
error-organization-domain_not_proven = The DNS record was not found yet. DNS changes can take a while; try again later.
error-organization-sso_unreachable = The sign-in service cannot be used
error-organization-invalid_logo = The logo must be a PNG, JPEG or WebP image of at most 1 MiB and 1024×1024 pixels.
error-organization-account_exists = An account with this address exists already. Sign in to accept the invitation.
error-organization-invalid_input = Some input is not valid.
error-organization-temporarily_unavailable = The service is temporarily unavailable.

## email

email-footer = You received this message because of an action on your { $product } account.
email-unsubscribe = Unsubscribe from marketing email

## email.verify

email-verify-subject = Activate your account
email-verify-body =
    Hello { $given_name },

    please confirm your email address to activate your account. The link works for { $hours ->
        [one] one hour
       *[other] { $hours } hours
    }.

    If you did not sign up, ignore this message.
email-verify-action = Verify my email address

## email.already_registered

email-already_registered-subject = Someone tried to sign up with your address
email-already_registered-body =
    Someone, possibly you, tried to create an account with this email address, which already has one.

    If it was you, sign in with your password, or reset it here if you forgot it. If it was not you, you can ignore this message.
email-already_registered-action = Reset my password

## email.reset_code

email-reset_code-subject = Your password reset code
email-reset_code-body =
    Use this code to reset your password. It works for { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    } and only once.

    If you did not ask for it, ignore this message: your password stays the same.

## email.password_changed

email-password_changed-subject = Your password was changed
email-password_changed-body =
    The password of your account was just changed, and your other sessions were ended.

    If this was not you, reset your password now.
email-password_changed-action = Reset my password

## email.password_reset

email-password_reset-subject = Your password was reset
email-password_reset-body =
    The password of your account was just reset, and every session was ended.

    If this was not you, reset your password again now.
email-password_reset-action = Reset my password

## email.email_change_confirm

email-email_change_confirm-subject = Confirm your new email address
email-email_change_confirm-body =
    Someone asked to move the account { $old_email } to this address. Follow the link to confirm. Until then nothing changes.

    If you did not ask for this, ignore this message.
email-email_change_confirm-action = Confirm this address

## email.email_change_notice

email-email_change_notice-subject = Your email address is about to change
email-email_change_notice-body =
    Someone asked to change the email address of your account to { $new_email }. It changes only when the link sent to that address is followed.

    If this was not you, change your password now.

## email.email_changed

email-email_changed-subject = Your email address was changed
email-email_changed-body =
    The email address of your account is now { $new_email }. This address no longer signs in.

    If this was not you, contact support right away.

## email.address_in_use

email-address_in_use-subject = Someone tried to use your address
email-address_in_use-body =
    Someone tried to move another account to this email address. This address already has an account, so nothing was changed.

    You do not need to do anything.

## email.welcome

email-welcome-subject = Welcome to { $product }
email-welcome-body =
    Hello { $given_name },

    your account is active. You can use it to sign in everywhere that offers it, and manage it on My Profile.
email-welcome-action = Open My Profile

## email.account_deleted

email-account_deleted-subject = Your account was deleted
email-account_deleted-body = Your account and its data have been deleted. Thank you for having been with us.

## email.identity_linked

email-identity_linked-subject = A sign-in method was added to your account
email-identity_linked-body =
    You can now sign in to your account with { $provider }.

    If this was not you, remove it from My Profile and change your password.
email-identity_linked-action = Open My Profile

## email.identity_unlinked

email-identity_unlinked-subject = A sign-in method was removed from your account
email-identity_unlinked-body =
    Signing in with { $provider } no longer opens your account.

    If this was not you, sign in and check My Profile.
email-identity_unlinked-action = Open My Profile

## email.link_code

email-link_code-subject = Your code to link { $provider }
email-link_code-body =
    Someone, probably you, wants to sign in to your account with { $provider }. Enter this code to confirm it is you. It works for { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }.

    If this was not you, ignore this message: nothing changes.

## email.invitation

email-invitation-subject = { $inviter } invites you to { $organization }
email-invitation-body =
    { $inviter } invites you to join { $organization }. Follow the link to accept: with an account already, sign in; without one, you can create it there. The link works once, for { $days ->
        [one] one day
       *[other] { $days } days
    }.

    If you do not know { $inviter } or { $organization }, ignore this message: nothing happens.
email-invitation-action = See the invitation

## scope

scope-openid = Sign you in and know who you are
scope-profile = See your name, date of birth and language
scope-email = See your email address
scope-offline_access = Stay connected when you are not using it
scope-organizations = See the organizations you belong to and your role in each
scope-other = Use the permission “{ $scope }”

## language: each catalog names its language in that language

language-name = English
language-switcher = Language

## layout

layout-skip = Skip to the main content
layout-errors_title = There is a problem
layout-support = Help and support

## cookies

cookies-off-title = Cookies are turned off
cookies-off-body = Signing in needs cookies, and your browser is refusing them for this site. To allow them, open your browser's settings, find “Cookies” or “Site data”, allow them for this site, then reload this page.

## contact details (OpenID Connect phone and address)

field-phone_number = Phone number
field-street_address = Street and number
field-locality = City or town
field-region = County, state or region
field-postal_code = Postal code
field-country = Country
page-account-contact = Phone and postal address
page-account-contact_hint = Optional. Apps you allow to see them can use them, for example to fill in a delivery address.
page-account-phone_hint = In international format, for example +40 721 234 567.
error-phone_invalid = Enter a phone number in international format: a + and the country code, then the number, for example +40 721 234 567.
error-address_too_long = Use at most { $max } characters.
error-address_invalid_characters = Use letters, numbers and ordinary punctuation only, without < > or ".
scope-phone = See your phone number
scope-address = See your postal address

## dates: { $day } and { $year } are numbers, { $month } the month's name below

date-format = { $day } { $month } { $year }
date-time-format = { $date }, { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## second factors (docs/mfa.md)

field-otp = Code
button-verify_code = Verify
button-confirm_app = Turn on
button-remove_app_factor = Remove the authenticator app
button-new_recovery_codes = Make new recovery codes
link-set_up_app = Set up an authenticator app
link-manage_second_factor = Manage your second factor
link-back_to_profile = Back to My Profile
link-back_to_security = Back to sign-in security
link-sign_in_again = Sign in again
link-other_account = Sign in with another account
notice-security-app_added = The authenticator app is on. You will be asked for a code when you sign in.
notice-security-app_removed = The authenticator app was removed.
page-account-second_factor = Second factor
page-account-second_factor_on = An authenticator app protects your account.
page-account-second_factor_off = Only your password protects your account. Add an authenticator app for more safety.
page-second_factor-title = Enter your code
page-second_factor-hint = The six digits your authenticator app shows now, or one of your recovery codes.
page-second_factor-lost = Lost your phone and your recovery codes? Contact support: they can remove your second factor once they know it is you.
page-security-title = Sign-in security
page-security-required = Your account must use a second factor.
page-security-app = Authenticator app
page-security-app_on = On since { $since }.
page-security-app_off = Not set up. With an app such as a password manager or an authenticator on your phone, signing in also asks for a code that changes every 30 seconds.
page-security-recovery = Recovery codes
page-security-recovery_left =
    { $count ->
        [0] You have no recovery codes left. Make new ones.
        [one] You have one recovery code left.
       *[other] You have { $count } recovery codes left.
    }
page-security-recovery_none = Recovery codes come with the authenticator app.
page-security-setup_title = Set up an authenticator app
page-security-setup_scan = Scan the QR code with your authenticator app.
page-security-setup_type = Or type the key below into the app.
page-security-qr_label = QR code for your authenticator app
page-security-secret = Key:
page-security-setup_hint = The six digits the app shows now.
page-security-codes_title = Your recovery codes
page-security-codes_once = Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are shown only now.
error-second_factor_code_wrong = That code is wrong or was used already. Check the time on your phone, or use a recovery code.
error-sign_in_again = For your safety, sign in again before you change your second factor.
error-second_factor_exists = An authenticator app is already set up. Remove it first to set up another.
error-second_factor_not_started = The set-up has expired. Start it again.

## email.second_factor_added

email-second_factor_added-subject = A second factor was added to your account
email-second_factor_added-body =
    An authenticator app was just set up for your { $product } account. Signing in now asks for a code from it.

    If this was not you, change your password and contact support right away.
email-second_factor_added-action = Review sign-in security

## email.second_factor_removed

email-second_factor_removed-subject = A second factor was removed from your account
email-second_factor_removed-body =
    The authenticator app of your { $product } account was just removed.

    If this was not you, change your password and contact support right away.
email-second_factor_removed-action = Review sign-in security

## email.recovery_codes_created

email-recovery_codes_created-subject = New recovery codes were made
email-recovery_codes_created-body =
    New recovery codes were just made for your { $product } account. The old ones no longer work.

    If this was not you, change your password and contact support right away.
email-recovery_codes_created-action = Review sign-in security

## email.recovery_code_used

email-recovery_code_used-subject = A recovery code was used
email-recovery_code_used-body =
    Someone signed in to your { $product } account with a recovery code. { $left ->
        [0] You have no codes left: make new ones.
        [one] You have one code left.
       *[other] You have { $left } codes left.
    }

    If this was not you, change your password and contact support right away.
email-recovery_code_used-action = Review sign-in security

## email.second_factors_reset

email-second_factors_reset-subject = Your second factor was removed
email-second_factors_reset-body =
    At your request, support removed the authenticator app and recovery codes of your { $product } account, and signed you out everywhere. Sign in with your password and set up a new second factor.

    If you did not ask for this, contact support right away.
email-second_factors_reset-action = Sign in

## second factors: My Company

button-require_second_factor = Require a second factor
button-allow_single_factor = Stop requiring a second factor
notice-company-second_factor_required = Members now sign in with a second factor, from their next sign-in.
notice-company-second_factor_optional = A second factor is no longer required.
page-company-second_factor = Second factor
page-company-second_factor_on = Members of this organization and of its branches sign in with a second factor. Those without one set up an authenticator app at their next sign-in.
page-company-second_factor_off = Members may sign in with their password alone.

## passkeys

field-passkey_name = Name of this passkey (for example "Work laptop")
button-add_passkey = Add a passkey
button-use_passkey = Use a passkey
button-sign_in_passkey = Sign in with a passkey
button-remove_passkey = Remove { $name }
notice-security-passkey_added = The passkey was added. You can sign in with it.
notice-security-passkey_removed = The passkey was removed.
page-security-passkeys = Passkeys
page-security-passkeys_hint = A passkey signs you in with your device's screen lock or a security key, without a password or code.
page-security-no_passkeys = You have no passkeys yet.
page-security-passkey_line = { $name }, added { $added }
page-passkeys-cancelled = Nothing was done: the passkey request was cancelled or timed out.
page-passkeys-unsupported = This browser cannot use passkeys.
error-passkey_expired = This passkey request has expired. Try again.
error-passkey_failed = The passkey could not be checked. Try again, or use another way to sign in.
error-passkey_name_invalid = Give the passkey a name of 1 to 64 characters.
error-too_many_passkeys = You have 10 passkeys, the most an account can have. Remove one first.
error-passkeys_unavailable = Passkeys are not available on this server.

## email.passkey_added

email-passkey_added-subject = A passkey was added to your account
email-passkey_added-body =
    A passkey was just added to your { $product } account. It signs in without a password.

    If this was not you, change your password and contact support right away.
email-passkey_added-action = Review sign-in security

## email.passkey_removed

email-passkey_removed-subject = A passkey was removed from your account
email-passkey_removed-body =
    A passkey was just removed from your { $product } account.

    If this was not you, change your password and contact support right away.
email-passkey_removed-action = Review sign-in security
