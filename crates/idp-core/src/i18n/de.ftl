# German (Deutsch): the German catalog. It has exactly the same messages as
# en.ftl, the fallback. Formal address ("Sie"); plural categories: one, other.
# { $name } placeholders are filled in by the code; numbers select plural forms.

## nav

nav-sign_in = Anmelden
nav-log_out = Abmelden
nav-my_profile = Mein Profil
nav-my_company = Meine Firma

## link

link-forgot_password = Passwort vergessen?
link-sign_up = Konto erstellen
link-start_again = Neu beginnen
link-send_new_code = Neuen Code senden

## button

button-sign_in = Anmelden
button-join = { $organization } beitreten
button-create_organization = Organisation erstellen
button-upload_logo = Logo hochladen
button-delete_logo = Logo entfernen
button-create_branch = Niederlassung erstellen
button-accept_agreement = Für die Organisation akzeptieren
button-verify_domain = DNS-Eintrag jetzt prüfen
button-claim_domain = Domain hinzufügen
button-delete_sso = Firmen-Anmeldung ausschalten
button-delete_organization = Diese Organisation und alle ihre Niederlassungen löschen
button-leave_organization = Diese Organisation verlassen
button-make_admin = Zum Administrator machen
button-make_member = Zum Mitglied machen
button-remove_member = Entfernen
button-resend_invitation = Erneut senden
button-revoke_invitation = Widerrufen
button-invite = Einladung senden
button-company_sign_in = Über meine Firma anmelden
button-create_account = Konto erstellen
button-resend_verification = Bestätigungs-E-Mail erneut senden
button-verify_email = E-Mail-Adresse bestätigen
button-get_code = Code anfordern
button-next = Weiter
button-set_password = Neues Passwort festlegen
button-save = Speichern
button-change_password = Passwort ändern
button-change_email = E-Mail-Adresse ändern
button-subscribe = Neuigkeiten und Angebote abonnieren
button-unsubscribe = Werbe-E-Mails abbestellen
button-end_session = Diese Sitzung beenden
button-log_out = Abmelden
button-log_out_everywhere = Überall abmelden
button-delete_account = Mein Konto löschen
button-confirm_email = Neue E-Mail-Adresse bestätigen
button-allow = { $app } erlauben
button-deny = Ablehnen
button-continue = Weiter
button-remove_app = Zugriff für { $app } entfernen
button-continue_with = Weiter mit { $provider }
button-link_provider = { $provider } hinzufügen
button-unlink = { $provider } entfernen
button-link_account = { $provider } verknüpfen und anmelden
button-send_link_code = Code per E-Mail senden
button-prove_password = Mit meinem Passwort bestätigen
button-prove_code = Mit dem Code bestätigen
button-cancel = Abbrechen

## field

field-email = E-Mail-Adresse
field-locale = Sprache
field-company_email = Geschäftliche E-Mail-Adresse
field-password = Passwort
field-password_confirm = Passwort bestätigen
field-given_name = Vorname
field-family_name = Nachname
field-birthdate = Geburtsdatum
field-marketing_opt_in = Ja, ich möchte Neuigkeiten, Updates und Angebote per E-Mail erhalten.
field-code = Code aus der E-Mail
field-current_password = Aktuelles Passwort
field-new_password = Neues Passwort
field-new_password_confirm = Neues Passwort bestätigen
field-new_email = Neue E-Mail-Adresse
field-name = Name
field-logo = Logo-Datei
field-domain = E-Mail-Domain (zum Beispiel example.com)
field-issuer = Issuer-URL Ihres Anmeldedienstes
field-client_id = Client-ID
field-client_secret = Client-Secret (leer lassen, um das gespeicherte zu behalten)
field-require_sso = Alle mit einer Adresse in unseren bestätigten Domains müssen sich über diesen Dienst anmelden

## bot_check

bot_check-working = Wir prüfen, dass Sie kein Roboter sind … das dauert ein paar Sekunden.
bot_check-done = Fertig: Sie sind kein Roboter.
bot_check-needs_javascript = Die Roboterprüfung benötigt JavaScript. Bitte aktivieren Sie JavaScript für diese Website und laden Sie die Seite neu.

## notice.company

notice-company-joined = Willkommen! Sie sind jetzt Mitglied.
notice-company-created = Ihre Organisation wurde erstellt. Sie sind ihr Administrator.
notice-company-renamed = Der Name wurde gespeichert.
notice-company-branch_created = Die Niederlassung wurde erstellt.
notice-company-deleted = Die Organisation wurde gelöscht.
notice-company-logo_saved = Das Logo wurde gespeichert.
notice-company-logo_deleted = Das Logo wurde entfernt.
notice-company-domain_claimed = Die Domain wurde hinzugefügt. Veröffentlichen Sie den angezeigten TXT-Eintrag und prüfen Sie ihn dann.
notice-company-domain_verified = Die Domain ist bestätigt.
notice-company-sso_saved = Die Firmen-Anmeldung wurde gespeichert.
notice-company-sso_deleted = Die Firmen-Anmeldung ist ausgeschaltet.
notice-company-agreement_accepted = Die Vereinbarung wurde für die Organisation akzeptiert.
notice-company-invited = Die Einladung wurde gesendet.
notice-company-resent = Die Einladung wurde erneut gesendet; der frühere Link funktioniert nicht mehr.
notice-company-revoked = Die Einladung wurde widerrufen.
notice-company-role_changed = Die Rolle wurde geändert.
notice-company-removed = Das Mitglied wurde entfernt.
notice-company-left = Sie haben die Organisation verlassen.

## notice

notice-verified = Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.
notice-password_reset = Ihr Passwort wurde zurückgesetzt. Melden Sie sich mit Ihrem neuen Passwort an.
notice-signed_out = Sie haben sich abgemeldet.
notice-email_changed = Ihre E-Mail-Adresse wurde geändert. Melden Sie sich ab jetzt mit Ihrer neuen Adresse an.
notice-confirm_email_sign_in = Um Ihre neue E-Mail-Adresse zu bestätigen, melden Sie sich bei dem Konto an, das die Änderung angefordert hat.
notice-profile_saved = Ihr Profil wurde gespeichert.
notice-password_changed = Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden beendet.
notice-email_change_sent = Wir haben einen Bestätigungslink an Ihre neue Adresse gesendet. Erst wenn Sie ihm folgen, ändert sich etwas.
notice-marketing_on = Sie haben Werbe-E-Mails abonniert.
notice-marketing_off = Sie erhalten keine Werbe-E-Mails mehr.
notice-session_ended = Die Sitzung wurde beendet.
notice-sessions_ended = Alle Ihre Sitzungen wurden beendet.
notice-language_saved = Ihre Sprache wurde gespeichert. Seiten und E-Mails erscheinen ab jetzt in dieser Sprache.
notice-app_removed = Die App hat keinen Zugriff mehr. Beim nächsten Mal fragt sie Sie erneut.
notice-identity_linked = Die Anmeldemöglichkeit wurde hinzugefügt.
notice-identity_unlinked = Die Anmeldemöglichkeit wurde entfernt.
notice-sign_in_to_link = Melden Sie sich zu Ihrer Sicherheit erneut an, bevor Sie eine Anmeldemöglichkeit hinzufügen.
notice-link_code_sent = Wenn das Konto E-Mails empfangen kann, ist ein Code unterwegs. Er gilt eine Viertelstunde.

## page.error

page-error-title = Etwas ist schiefgegangen

## page.login

page-login-title = Anmelden
page-login-no_account = Noch kein Konto?
page-login-company_title = Anmeldung über Ihre Firma?

## page.federation

page-federation-or = oder
page-federation-complete_title = Konto vervollständigen
page-federation-complete_intro = Sie haben sich mit { $provider } als { $email } angemeldet. Es fehlen noch ein paar Angaben, bevor Ihr Konto bereit ist.
page-federation-unverified_note = Wir senden einen Link an { $email }, um die Adresse zu bestätigen.
page-federation-link_title = Konto verknüpfen
page-federation-link_intro = Es gibt schon ein Konto mit der Adresse { $email }. Um sich mit { $provider } dort anzumelden, zeigen Sie, dass es Ihres ist.
page-federation-link_no_password = Dieses Konto hat kein Passwort. Wir können stattdessen einen Code an { $email } senden.
page-federation-link_code_intro = Oder erhalten Sie einen Code per E-Mail:
page-federation-confirm_title = { $provider } verknüpfen?
page-federation-confirm_intro = Ab jetzt können Sie sich mit { $provider } beim Konto { $email } anmelden.

## page.signup

page-signup-title = Konto erstellen
page-signup-have_account = Schon ein Konto?
page-signup-password_rule = Ihr Passwort muss { $min } bis { $max } Zeichen lang sein und mindestens drei der folgenden Zeichenarten enthalten: Großbuchstaben, Kleinbuchstaben, Ziffern und Sonderzeichen. Vermeiden Sie gängige Wörter und Ihre E-Mail-Adresse.

## page.check_email

page-check_email-title = Sehen Sie in Ihr E-Mail-Postfach
page-check_email-body = Wir haben eine Nachricht an { $email } gesendet. Folgen Sie dem Link darin, um Ihr Konto zu aktivieren.
page-check_email-spam = Nichts angekommen? Sehen Sie in Ihrem Spam-Ordner nach, oder melden Sie sich an, um die E-Mail erneut anzufordern.

## page.resend

page-resend-body = Wenn { $email } zu einem Konto gehört, das noch bestätigt werden muss, haben wir einen neuen Link an diese Adresse gesendet.

## page.verify_email

page-verify_email-title = E-Mail-Adresse bestätigen
page-verify_email-resend_intro = Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen neuen Link.
page-verify_email-other_browser = Dieser Link wurde in einem anderen Browser geöffnet als dem, in dem Sie sich registriert haben. Um das Konto zu aktivieren, geben Sie das Passwort ein, das Sie bei der Registrierung gewählt haben. Wenn Sie sich nicht registriert haben, ignorieren Sie die E-Mail: Ohne das Passwort geschieht nichts.

## page.forgot

page-forgot-title = Passwort zurücksetzen
page-forgot-intro = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen einen Code per E-Mail.

## page.forgot_code

page-forgot_code-title = Code eingeben
page-forgot_code-intro = Wenn { $email } zu einem Konto gehört, haben wir einen Code an diese Adresse gesendet. Kopieren Sie den Code aus der E-Mail und fügen Sie ihn hier ein.

## page.forgot_new

page-forgot_new-title = Neues Passwort wählen

## page.account

page-account-title = Mein Profil
page-account-signed_in_as = Angemeldet als { $email }
page-account-profile = Persönliche Angaben
page-account-password = Passwort
page-account-email = Haupt-E-Mail-Adresse
page-account-email_hint = Wir senden einen Bestätigungslink an die neue Adresse. Ihre Adresse ändert sich erst, wenn Sie ihm folgen.
page-account-marketing = Werbe-E-Mails
page-account-marketing_on = Sie erhalten Neuigkeiten, Updates und Angebote per E-Mail.
page-account-marketing_off = Sie erhalten keine Werbe-E-Mails.
page-account-language = Sprache
page-account-language_hint = Die Sprache dieser Seiten und der E-Mails, die wir Ihnen senden.
page-account-sessions = Wo Sie angemeldet sind
page-account-apps = Apps mit Ihrer Erlaubnis
page-account-no_apps = Sie haben noch keiner App erlaubt, Ihr Konto zu verwenden.
page-account-this_session = (dieses Gerät)
page-account-delete = Konto löschen
page-account-delete_hint = Damit wird Ihr Konto gelöscht, und Sie werden überall abgemeldet. Das lässt sich nicht rückgängig machen.
page-account-identities = Anmeldemöglichkeiten
page-account-no_password = Ihr Konto hat noch kein Passwort: Sie melden sich über einen verknüpften Anbieter an. Um Ihre E-Mail-Adresse zu ändern oder das Konto zu löschen, brauchen Sie eines.
page-account-set_password = Passwort festlegen
page-account-no_identities = Sie melden sich nur mit Ihrer E-Mail-Adresse und Ihrem Passwort an.
page-account-identity_line = { $provider } ({ $email }), verknüpft am { $linked }, zuletzt benutzt am { $used }
page-account-link_another = Eine weitere Anmeldemöglichkeit hinzufügen:

## page.deleted

page-deleted-title = Konto gelöscht
page-deleted-body = Ihr Konto wurde gelöscht.

## page.email_confirm

page-email_confirm-title = Neue E-Mail-Adresse bestätigen

## page.logout

page-logout-title = Abmelden

## page.unsubscribe

page-unsubscribe-title = Abbestellen
page-unsubscribe-intro = Keine Werbe-E-Mails mehr von uns erhalten? Nachrichten zu Ihrem Konto bekommen Sie weiterhin.
page-unsubscribe-done = Sie haben die Werbe-E-Mails abbestellt.

## page.invitation

page-invitation-title = { $organization } beitreten
page-invitation-logo = Logo von { $organization }
page-invitation-intro = { $inviter } lädt Sie ein, { $organization } als { $role } beizutreten.
page-invitation-role_admin = Administrator
page-invitation-role_member = Mitglied
page-invitation-other_account = Diese Einladung wurde an { $invited } gesendet, Sie sind aber als { $current } angemeldet.
page-invitation-switch = Als { $invited } anmelden
page-invitation-have_account = Schon ein Konto?
page-invitation-sign_in = Als { $invited } anmelden und annehmen
page-invitation-new_here = Neu hier? Konto erstellen
page-invitation-address = Ihr Konto verwendet die Adresse { $invited }, die durch diese Einladung bereits bestätigt ist.

## page.company

page-company-list_title = Meine Firma
page-company-none = Sie gehören noch keiner Organisation an.
page-company-create = Organisation erstellen
page-company-role_admin = Administrator
page-company-role_member = Mitglied
page-company-your_role = Ihre Rolle: { $role }
page-company-parent = Übergeordnete Organisation
page-company-colleagues_link = Meine Kolleginnen und Kollegen
page-company-logo = Logo
page-company-no_logo = Noch kein Logo.
page-company-logo_rule = PNG, JPEG oder WebP, höchstens 1 MiB und 1024×1024 Pixel.
page-company-details = Angaben
page-company-branches = Niederlassungen
page-company-no_branches = Keine Niederlassungen.
page-company-agreements = Vereinbarungen
page-company-no_agreements = Keine Vereinbarungen zu akzeptieren.
page-company-read = Lesen
page-company-accepted_by = akzeptiert von { $email } am { $date }
page-company-awaits_admin = wartet auf die Zustimmung eines Administrators
page-company-domains = E-Mail-Domains
page-company-no_domains = Keine Domains.
page-company-domain_inherited = für eine übergeordnete Organisation bestätigt
page-company-domain_verified = bestätigt
page-company-domain_challenge = noch nicht bestätigt: Veröffentlichen Sie einen TXT-Eintrag { $record } mit dem Wert { $value }
page-company-sso = Firmen-Anmeldung (SSO)
page-company-sso_on = Die Anmeldung erfolgt über { $issuer }.
page-company-sso_required = Die Anmeldung mit Passwort ist für Adressen in den bestätigten Domains ausgeschaltet.
page-company-sso_off = Die Firmen-Anmeldung ist nicht eingerichtet.
page-company-sso_redirect = Weiterleitungs-URI, die Sie bei Ihrem Anbieter registrieren:
page-company-sso_presets = Entra ID: https://login.microsoftonline.com/IHRE-TENANT-ID/v2.0 · Okta: https://IHRE-ORG.okta.com (oder https://IHRE-ORG.okta.com/oauth2/default). Registrieren Sie die nach dem Speichern angezeigte Weiterleitungs-URI bei Ihrem Anbieter.
page-company-events = Letzte Änderungen
page-company-when = Wann
page-company-who = Wer
page-company-what = Was
page-company-delete = Löschen

## page.colleagues

page-colleagues-title = Meine Kolleginnen und Kollegen bei { $organization }
page-colleagues-members = Mitglieder
page-colleagues-name = Name
page-colleagues-role = Rolle
page-colleagues-actions = Aktionen
page-colleagues-invitations = Einladungen
page-colleagues-state = Status
page-colleagues-state_pending = ausstehend
page-colleagues-state_accepted = angenommen
page-colleagues-state_revoked = widerrufen
page-colleagues-state_expired = abgelaufen
page-colleagues-invite = Kollegin oder Kollegen einladen

## page.consent

page-consent-title = { $app } erlauben, Ihr Konto zu verwenden?
page-consent-intro = { $app } möchte Ihr Konto { $email } für Folgendes verwenden:
page-consent-policy = Datenschutzerklärung
page-consent-terms = Nutzungsbedingungen

## error

error-invalid_input = Einige Felder brauchen Ihre Aufmerksamkeit.
error-invalid_credentials = E-Mail-Adresse oder Passwort ist falsch.
error-email_not_verified = Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse: Folgen Sie dem Link in der E-Mail, die wir Ihnen gesendet haben. Brauchen Sie einen neuen?
error-too_many_attempts =
    Zu viele Fehlversuche. Versuchen Sie es in { $minutes ->
        [one] einer Minute
       *[other] { $minutes } Minuten
    } erneut.
error-invalid_or_expired_link = Dieser Link ist ungültig, wurde schon benutzt oder ist abgelaufen.
error-invalid_or_expired_code = Dieser Code ist falsch oder abgelaufen. Sehen Sie in der E-Mail nach, oder fordern Sie einen neuen Code an.
error-bot_check_failed = Die Roboterprüfung ist fehlgeschlagen oder abgelaufen. Bitte versuchen Sie es noch einmal.
error-email_unavailable = Diese E-Mail-Adresse kann für dieses Konto nicht verwendet werden.
error-not_found = Das Gesuchte wurde nicht gefunden.
error-account_disabled = Dieses Konto wurde deaktiviert. Wenden Sie sich an den Administrator dieser Website.
error-already_verified = Diese E-Mail-Adresse ist bereits bestätigt.
error-own_account = Ihr eigenes Konto können Sie hier weder deaktivieren noch löschen. Bitten Sie einen anderen Administrator darum, oder verwenden Sie den Befehl idp auf dem Server.
error-locale_unsupported = Wählen Sie eine Sprache, die diese Website anbietet.
error-last_admin = Sie sind der letzte Administrator von { $organization }. Machen Sie zuerst jemand anderen zum Administrator, oder löschen Sie die Organisation.
error-no_company_sign_in = Für diese Adresse ist keine Firmen-Anmeldung eingerichtet. Melden Sie sich oben mit Ihrem Passwort an.
error-sso_required = Bei { $organization } melden sich alle über einen eigenen Anmeldedienst an. Verwenden Sie unten „Weiter mit { $organization }“.
error-temporarily_unavailable = Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.
error-busy = Der Server ist gerade ausgelastet. Versuchen Sie es in ein paar Sekunden erneut.
error-unauthenticated = Melden Sie sich zuerst an.
error-cookies_disabled = Ihr Browser lehnt Cookies ab. Zum Anmelden werden Cookies benötigt: Bitte erlauben Sie Cookies für diese Website, laden Sie die Seite neu und versuchen Sie es noch einmal.
error-csrf = Dieses Formular ist abgelaufen oder wurde von einer anderen Website gesendet. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-bad_form = Das Formular konnte nicht gelesen werden: Ein Feld fehlt oder ist kein gültiger Text. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.
error-form_too_large = Das Formular ist zu groß. Bitte kürzen Sie Ihre Eingaben und versuchen Sie es noch einmal.
error-email_required = Geben Sie Ihre E-Mail-Adresse ein.
error-email_too_long = Diese E-Mail-Adresse ist zu lang.
error-email_invalid = Geben Sie eine E-Mail-Adresse wie name@example.com ein.
error-email_same = Das ist bereits Ihre E-Mail-Adresse.
error-email_taken = Es gibt bereits ein Konto mit dieser E-Mail-Adresse.
error-name_required = Geben Sie einen Namen ein.
error-name_too_long = Verwenden Sie höchstens { $max } Zeichen.
error-name_invalid_characters = Namen dürfen weder < > " noch Steuerzeichen enthalten.
error-birthdate_required = Geben Sie Ihr Geburtsdatum ein.
error-birthdate_invalid = Geben Sie ein Datum wie 1990-12-31 ein.
error-birthdate_in_future = Das Geburtsdatum darf nicht in der Zukunft liegen.
error-birthdate_too_old = Prüfen Sie das Jahr Ihres Geburtsdatums.
error-password_too_short = Verwenden Sie mindestens { $min } Zeichen.
error-password_too_long = Verwenden Sie höchstens { $max } Zeichen.
error-password_control_characters = Das Passwort enthält Zeichen, die sich nicht eintippen lassen.
error-password_too_few_kinds = Verwenden Sie mindestens drei der folgenden Zeichenarten: Großbuchstaben, Kleinbuchstaben, Ziffern und Sonderzeichen.
error-password_contains_email = Verwenden Sie Ihre E-Mail-Adresse nicht in Ihrem Passwort.
error-password_guessable = Dieses Passwort ist zu leicht zu erraten. Fügen Sie weitere Wörter oder Zeichen hinzu, und vermeiden Sie Namen, Daten und gängige Wörter.
error-password_mismatch = Die Passwörter stimmen nicht überein.
error-current_password_wrong = Ihr aktuelles Passwort ist falsch.
error-verification_password_needed = Geben Sie das Passwort ein, das Sie bei der Registrierung gewählt haben.
error-verification_password_wrong = Das ist nicht das Passwort dieser Registrierung.

## error.federation

error-federation-wrong_issuer = Dieser Anmeldelink stammt nicht von dem Anbieter, den er nennt. Beginnen Sie noch einmal auf der Anmeldeseite.
error-federation-unknown_provider = Diese Anmeldemöglichkeit gibt es hier nicht.
error-federation-disabled = Die Anmeldung mit { $provider } ist abgeschaltet. Bitte melden Sie sich auf andere Weise an.
error-federation-state = Diese Anmeldung ist abgelaufen, wurde schon benutzt oder in einem anderen Browser begonnen. Beginnen Sie noch einmal auf der Anmeldeseite.
error-federation-cancelled = Die Anmeldung wurde abgebrochen. Sie können neu beginnen oder sich auf andere Weise anmelden.
error-federation-unreachable = Der Anbieter ist gerade nicht erreichbar. Versuchen Sie es in ein paar Minuten erneut, oder melden Sie sich auf andere Weise an.
error-federation-refused = Der Anbieter hat die Anmeldung nicht abgeschlossen. Beginnen Sie noch einmal auf der Anmeldeseite.
error-federation-invalid_token = Der Antwort des Anbieters war nicht zu trauen, deshalb wurden Sie nicht angemeldet. Beginnen Sie noch einmal auf der Anmeldeseite.
error-federation-tenant = Konten Ihrer Organisation können sich hier nicht anmelden.
error-federation-no_email = Der Anbieter hat keine E-Mail-Adresse übermittelt, ein Konto hier braucht aber eine. Erlauben Sie die Weitergabe beim Anbieter, oder registrieren Sie sich mit Ihrer E-Mail-Adresse.
error-federation-account_gone = Das Konto, zu dem diese Anmeldung gehörte, gibt es nicht mehr.
error-federation-address_awaits_verification = Ein Konto mit dieser E-Mail-Adresse wartet auf die Bestätigung seiner Adresse. Folgen Sie dem Link aus unserer E-Mail, oder registrieren Sie sich erneut.
error-federation-address_taken = Inzwischen gibt es ein Konto mit dieser E-Mail-Adresse. Beginnen Sie noch einmal auf der Anmeldeseite, um es zu verknüpfen.
error-federation-linked_elsewhere = Diese Anmeldemöglichkeit gehört bereits zu einem anderen Konto.
error-federation-not_signed_in = Melden Sie sich zuerst bei dem Konto an, das Sie verknüpfen möchten.
error-federation-pending = Dieser Schritt ist abgelaufen oder gehört zu einem anderen Browser. Beginnen Sie noch einmal auf der Anmeldeseite.
error-federation-not_proven = Weisen Sie zuerst nach, dass das Konto Ihnen gehört.
error-federation-last_way_in = Dies ist die einzige Möglichkeit, sich bei Ihrem Konto anzumelden, daher kann sie nicht entfernt werden. Legen Sie zuerst ein Passwort fest (Passwort vergessen?).
error-federation-no_such_identity = Diese Anmeldemöglichkeit ist nicht mit Ihrem Konto verknüpft.

## error.organization

error-organization-not_found = Diese Organisation gibt es nicht, oder Sie sind kein Mitglied.
error-organization-admin_only = Das dürfen nur Administratoren dieser Organisation.
error-organization-last_admin = Sie sind der letzte Administrator dieser Firma. Machen Sie zuerst jemand anderen zum Administrator.
error-organization-invitation_invalid = Dieser Einladungslink funktioniert nicht mehr: Er wurde schon benutzt, widerrufen oder durch einen neueren ersetzt. Bitten Sie um eine neue Einladung.
error-organization-invitation_expired = Diese Einladung ist abgelaufen. Bitten Sie die Person, die Sie eingeladen hat, sie erneut zu senden.
error-organization-invitation_for_someone_else = Diese Einladung wurde an eine andere E-Mail-Adresse gesendet.
error-organization-email_not_verified = Bestätigen Sie zuerst Ihre E-Mail-Adresse.
error-organization-already_member = Diese Person ist bereits Mitglied.
error-organization-too_many_invitations = In der letzten Stunde wurden zu viele Einladungen gesendet. Versuchen Sie es später noch einmal.
error-organization-already_accepted = Diese Version ist bereits akzeptiert.
error-organization-domain_taken = Diese Domain gehört zu einer anderen Organisation.
error-organization-domain_not_proven = Der DNS-Eintrag wurde noch nicht gefunden. DNS-Änderungen können eine Weile dauern; versuchen Sie es später noch einmal.
error-organization-sso_unreachable = Der Anmeldedienst kann nicht verwendet werden
error-organization-invalid_logo = Das Logo muss ein PNG-, JPEG- oder WebP-Bild mit höchstens 1 MiB und 1024×1024 Pixeln sein.
error-organization-account_exists = Es gibt bereits ein Konto mit dieser Adresse. Melden Sie sich an, um die Einladung anzunehmen.
error-organization-invalid_input = Einige Angaben sind ungültig.
error-organization-temporarily_unavailable = Der Dienst ist vorübergehend nicht erreichbar.

## email

email-footer = Sie erhalten diese Nachricht wegen einer Aktion in Ihrem Konto bei { $product }.
email-unsubscribe = Werbe-E-Mails abbestellen

## email.verify

email-verify-subject = Aktivieren Sie Ihr Konto
email-verify-body =
    Hallo { $given_name },

    bitte bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto zu aktivieren. Der Link ist { $hours ->
        [one] eine Stunde
       *[other] { $hours } Stunden
    } lang gültig.

    Wenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht.
email-verify-action = E-Mail-Adresse bestätigen

## email.already_registered

email-already_registered-subject = Jemand wollte sich mit Ihrer Adresse registrieren
email-already_registered-body =
    Jemand, möglicherweise Sie, hat versucht, mit dieser E-Mail-Adresse ein Konto zu erstellen. Für diese Adresse gibt es aber bereits ein Konto.

    Wenn Sie das waren, melden Sie sich mit Ihrem Passwort an, oder setzen Sie es hier zurück, falls Sie es vergessen haben. Wenn Sie das nicht waren, können Sie diese Nachricht ignorieren.
email-already_registered-action = Mein Passwort zurücksetzen

## email.reset_code

email-reset_code-subject = Ihr Code zum Zurücksetzen des Passworts
email-reset_code-body =
    Mit diesem Code können Sie Ihr Passwort zurücksetzen. Er ist { $minutes ->
        [one] eine Minute
       *[other] { $minutes } Minuten
    } lang gültig und nur einmal verwendbar.

    Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.

## email.password_changed

email-password_changed-subject = Ihr Passwort wurde geändert
email-password_changed-body =
    Das Passwort Ihres Kontos wurde soeben geändert, und Ihre anderen Sitzungen wurden beendet.

    Wenn Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück.
email-password_changed-action = Mein Passwort zurücksetzen

## email.password_reset

email-password_reset-subject = Ihr Passwort wurde zurückgesetzt
email-password_reset-body =
    Das Passwort Ihres Kontos wurde soeben zurückgesetzt, und alle Sitzungen wurden beendet.

    Wenn Sie das nicht waren, setzen Sie Ihr Passwort jetzt erneut zurück.
email-password_reset-action = Mein Passwort zurücksetzen

## email.email_change_confirm

email-email_change_confirm-subject = Bestätigen Sie Ihre neue E-Mail-Adresse
email-email_change_confirm-body =
    Jemand möchte das Konto { $old_email } auf diese Adresse umstellen. Folgen Sie dem Link, um das zu bestätigen. Bis dahin ändert sich nichts.

    Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.
email-email_change_confirm-action = Diese Adresse bestätigen

## email.email_change_notice

email-email_change_notice-subject = Ihre E-Mail-Adresse soll geändert werden
email-email_change_notice-body =
    Jemand möchte die E-Mail-Adresse Ihres Kontos in { $new_email } ändern. Sie ändert sich erst, wenn jemand dem Link folgt, der an diese Adresse gesendet wurde.

    Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort.

## email.email_changed

email-email_changed-subject = Ihre E-Mail-Adresse wurde geändert
email-email_changed-body =
    Die E-Mail-Adresse Ihres Kontos lautet jetzt { $new_email }. Mit dieser Adresse hier ist keine Anmeldung mehr möglich.

    Wenn Sie das nicht waren, wenden Sie sich sofort an den Support.

## email.address_in_use

email-address_in_use-subject = Jemand wollte Ihre Adresse verwenden
email-address_in_use-body =
    Jemand hat versucht, ein anderes Konto auf diese E-Mail-Adresse umzustellen. Zu dieser Adresse gibt es bereits ein Konto, daher wurde nichts geändert.

    Sie müssen nichts tun.

## email.welcome

email-welcome-subject = Willkommen bei { $product }
email-welcome-body =
    Hallo { $given_name },

    Ihr Konto ist aktiv. Sie können sich damit überall anmelden, wo es angeboten wird, und es unter „Mein Profil“ verwalten.
email-welcome-action = Mein Profil öffnen

## email.account_deleted

email-account_deleted-subject = Ihr Konto wurde gelöscht
email-account_deleted-body = Ihr Konto und seine Daten wurden gelöscht. Vielen Dank, dass Sie bei uns waren.

## email.identity_linked

email-identity_linked-subject = Ihrem Konto wurde eine Anmeldemöglichkeit hinzugefügt
email-identity_linked-body =
    Sie können sich jetzt mit { $provider } bei Ihrem Konto anmelden.

    Waren Sie das nicht, entfernen Sie sie unter „Mein Profil“ und ändern Sie Ihr Passwort.
email-identity_linked-action = Mein Profil öffnen

## email.identity_unlinked

email-identity_unlinked-subject = Eine Anmeldemöglichkeit wurde von Ihrem Konto entfernt
email-identity_unlinked-body =
    Die Anmeldung mit { $provider } öffnet Ihr Konto nicht mehr.

    Waren Sie das nicht, melden Sie sich an und prüfen Sie „Mein Profil“.
email-identity_unlinked-action = Mein Profil öffnen

## email.link_code

email-link_code-subject = Ihr Code zum Verknüpfen von { $provider }
email-link_code-body =
    Jemand, wahrscheinlich Sie, möchte sich mit { $provider } bei Ihrem Konto anmelden. Geben Sie diesen Code ein, um zu bestätigen, dass Sie es sind. Er ist { $minutes ->
        [one] eine Minute
       *[other] { $minutes } Minuten
    } lang gültig.

    Waren Sie das nicht, ignorieren Sie diese Nachricht: Es ändert sich nichts.

## email.invitation

email-invitation-subject = { $inviter } lädt Sie zu { $organization } ein
email-invitation-body =
    { $inviter } lädt Sie ein, { $organization } beizutreten. Folgen Sie dem Link, um die Einladung anzunehmen: Wenn Sie schon ein Konto haben, melden Sie sich an; wenn nicht, können Sie dort eines erstellen. Der Link funktioniert nur einmal und ist { $days ->
        [one] einen Tag
       *[other] { $days } Tage
    } lang gültig.

    Wenn Sie { $inviter } oder { $organization } nicht kennen, ignorieren Sie diese Nachricht: Es passiert nichts.
email-invitation-action = Einladung ansehen

## scope

scope-openid = Sie anmelden und wissen, wer Sie sind
scope-profile = Ihren Namen, Ihr Geburtsdatum und Ihre Sprache sehen
scope-email = Ihre E-Mail-Adresse sehen
scope-offline_access = Verbunden bleiben, auch wenn Sie die App gerade nicht verwenden
scope-organizations = Die Organisationen sehen, denen Sie angehören, und Ihre Rolle in jeder davon
scope-other = Die Berechtigung „{ $scope }“ verwenden

## language: each catalog names its language in that language

language-name = Deutsch
language-switcher = Sprache

## layout

layout-skip = Zum Hauptinhalt springen
layout-errors_title = Es gibt ein Problem
layout-support = Hilfe und Support

## cookies

cookies-off-title = Cookies sind ausgeschaltet
cookies-off-body = Zum Anmelden werden Cookies benötigt, und Ihr Browser lehnt sie für diese Website ab. Um sie zu erlauben, öffnen Sie die Einstellungen Ihres Browsers, suchen Sie nach „Cookies“ oder „Websitedaten“, erlauben Sie sie für diese Website und laden Sie dann diese Seite neu.

## contact details (OpenID Connect phone and address)

field-phone_number = Telefonnummer
field-street_address = Straße und Hausnummer
field-locality = Ort
field-region = Bundesland, Kanton oder Region
field-postal_code = Postleitzahl
field-country = Land
page-account-contact = Telefon und Postanschrift
page-account-contact_hint = Optional. Apps, denen Sie die Einsicht erlauben, können diese Angaben verwenden, zum Beispiel um eine Lieferadresse auszufüllen.
page-account-phone_hint = Im internationalen Format, zum Beispiel +49 30 1234567.
error-phone_invalid = Geben Sie eine Telefonnummer im internationalen Format ein: ein + und die Ländervorwahl, dann die Nummer, zum Beispiel +49 30 1234567.
error-address_too_long = Verwenden Sie höchstens { $max } Zeichen.
error-address_invalid_characters = Verwenden Sie nur Buchstaben, Ziffern und übliche Satzzeichen, ohne < > oder ".
scope-phone = Ihre Telefonnummer sehen
scope-address = Ihre Postanschrift sehen

## dates: { $day } and { $year } are numbers, { $month } the month's name below

date-format = { $day }. { $month } { $year }
date-time-format = { $date }, { $time } Uhr UTC
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## second factors (docs/mfa.md)

field-otp = Code
button-verify_code = Bestätigen
button-confirm_app = Einschalten
button-remove_app_factor = Authenticator-App entfernen
button-new_recovery_codes = Neue Wiederherstellungscodes erstellen
link-set_up_app = Authenticator-App einrichten
link-manage_second_factor = Zweiten Faktor verwalten
link-back_to_profile = Zurück zu Mein Profil
link-back_to_security = Zurück zur Anmeldesicherheit
link-sign_in_again = Erneut anmelden
link-other_account = Mit einem anderen Konto anmelden
notice-security-app_added = Die Authenticator-App ist eingeschaltet. Bei der Anmeldung werden Sie nach einem Code gefragt.
notice-security-app_removed = Die Authenticator-App wurde entfernt.
page-account-second_factor = Zweiter Faktor
page-account-second_factor_on = Eine Authenticator-App schützt Ihr Konto.
page-account-second_factor_off = Nur Ihr Passwort schützt Ihr Konto. Richten Sie für mehr Sicherheit eine Authenticator-App ein.
page-second_factor-title = Code eingeben
page-second_factor-hint = Die sechs Ziffern, die Ihre Authenticator-App gerade anzeigt, oder einer Ihrer Wiederherstellungscodes.
page-second_factor-lost = Telefon und Wiederherstellungscodes verloren? Wenden Sie sich an den Support: Er kann Ihren zweiten Faktor entfernen, sobald feststeht, dass Sie es sind.
page-security-title = Anmeldesicherheit
page-security-required = Ihr Konto muss einen zweiten Faktor verwenden.
page-security-app = Authenticator-App
page-security-app_on = Eingeschaltet seit { $since }.
page-security-app_off = Nicht eingerichtet. Mit einer App wie einem Passwortmanager oder einem Authenticator auf Ihrem Telefon fragt die Anmeldung zusätzlich nach einem Code, der sich alle 30 Sekunden ändert.
page-security-recovery = Wiederherstellungscodes
page-security-recovery_left =
    { $count ->
        [0] Sie haben keine Wiederherstellungscodes mehr. Erstellen Sie neue.
        [one] Sie haben noch einen Wiederherstellungscode.
       *[other] Sie haben noch { $count } Wiederherstellungscodes.
    }
page-security-recovery_none = Wiederherstellungscodes gibt es zusammen mit der Authenticator-App.
page-security-setup_title = Authenticator-App einrichten
page-security-setup_scan = Scannen Sie den QR-Code mit Ihrer Authenticator-App.
page-security-setup_type = Oder geben Sie den Schlüssel unten in die App ein.
page-security-qr_label = QR-Code für Ihre Authenticator-App
page-security-secret = Schlüssel:
page-security-setup_hint = Die sechs Ziffern, die die App gerade anzeigt.
page-security-codes_title = Ihre Wiederherstellungscodes
page-security-codes_once = Bewahren Sie diese Codes sicher auf: Jeder meldet Sie einmal an, falls Sie Ihr Telefon verlieren. Sie werden nur jetzt angezeigt.
error-second_factor_code_wrong = Dieser Code ist falsch oder wurde schon verwendet. Prüfen Sie die Uhrzeit Ihres Telefons oder nutzen Sie einen Wiederherstellungscode.
error-sign_in_again = Melden Sie sich zu Ihrer Sicherheit erneut an, bevor Sie Ihren zweiten Faktor ändern.
error-second_factor_exists = Eine Authenticator-App ist bereits eingerichtet. Entfernen Sie sie zuerst, um eine andere einzurichten.
error-second_factor_not_started = Die Einrichtung ist abgelaufen. Beginnen Sie von vorn.

## email.second_factor_added

email-second_factor_added-subject = Ihrem Konto wurde ein zweiter Faktor hinzugefügt
email-second_factor_added-body =
    Für Ihr { $product }-Konto wurde soeben eine Authenticator-App eingerichtet. Die Anmeldung fragt jetzt nach einem Code daraus.

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-second_factor_added-action = Anmeldesicherheit prüfen

## email.second_factor_removed

email-second_factor_removed-subject = Ein zweiter Faktor wurde von Ihrem Konto entfernt
email-second_factor_removed-body =
    Die Authenticator-App Ihres { $product }-Kontos wurde soeben entfernt.

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-second_factor_removed-action = Anmeldesicherheit prüfen

## email.recovery_codes_created

email-recovery_codes_created-subject = Neue Wiederherstellungscodes wurden erstellt
email-recovery_codes_created-body =
    Für Ihr { $product }-Konto wurden soeben neue Wiederherstellungscodes erstellt. Die alten gelten nicht mehr.

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-recovery_codes_created-action = Anmeldesicherheit prüfen

## email.recovery_code_used

email-recovery_code_used-subject = Ein Wiederherstellungscode wurde verwendet
email-recovery_code_used-body =
    Jemand hat sich mit einem Wiederherstellungscode bei Ihrem { $product }-Konto angemeldet. { $left ->
        [0] Sie haben keine Codes mehr: Erstellen Sie neue.
        [one] Sie haben noch einen Code.
       *[other] Sie haben noch { $left } Codes.
    }

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-recovery_code_used-action = Anmeldesicherheit prüfen

## email.second_factors_reset

email-second_factors_reset-subject = Ihr zweiter Faktor wurde entfernt
email-second_factors_reset-body =
    Auf Ihre Anfrage hat der Support die Authenticator-App und die Wiederherstellungscodes Ihres { $product }-Kontos entfernt und Sie überall abgemeldet. Melden Sie sich mit Ihrem Passwort an und richten Sie einen neuen zweiten Faktor ein.

    Wenn Sie das nicht angefordert haben, wenden Sie sich sofort an den Support.
email-second_factors_reset-action = Anmelden

## second factors: My Company

button-require_second_factor = Zweiten Faktor verlangen
button-allow_single_factor = Zweiten Faktor nicht mehr verlangen
notice-company-second_factor_required = Mitglieder melden sich ab ihrer nächsten Anmeldung mit einem zweiten Faktor an.
notice-company-second_factor_optional = Ein zweiter Faktor ist nicht mehr nötig.
page-company-second_factor = Zweiter Faktor
page-company-second_factor_on = Mitglieder dieser Organisation und ihrer Niederlassungen melden sich mit einem zweiten Faktor an. Wer keinen hat, richtet bei der nächsten Anmeldung eine Authenticator-App ein.
page-company-second_factor_off = Mitglieder können sich allein mit ihrem Passwort anmelden.

## passkeys

field-passkey_name = Name dieses Passkeys (zum Beispiel „Arbeitslaptop“)
button-add_passkey = Passkey hinzufügen
button-use_passkey = Passkey verwenden
button-sign_in_passkey = Mit einem Passkey anmelden
button-remove_passkey = { $name } entfernen
notice-security-passkey_added = Der Passkey wurde hinzugefügt. Sie können sich damit anmelden.
notice-security-passkey_removed = Der Passkey wurde entfernt.
page-security-passkeys = Passkeys
page-security-passkeys_hint = Ein Passkey meldet Sie mit der Bildschirmsperre Ihres Geräts oder einem Sicherheitsschlüssel an, ohne Passwort oder Code.
page-security-no_passkeys = Sie haben noch keine Passkeys.
page-security-passkey_line = { $name }, hinzugefügt am { $added }
page-passkeys-cancelled = Nichts geschehen: Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen.
page-passkeys-unsupported = Dieser Browser kann keine Passkeys verwenden.
error-passkey_expired = Diese Passkey-Anfrage ist abgelaufen. Versuchen Sie es erneut.
error-passkey_failed = Der Passkey konnte nicht geprüft werden. Versuchen Sie es erneut oder melden Sie sich anders an.
error-passkey_name_invalid = Geben Sie dem Passkey einen Namen mit 1 bis 64 Zeichen.
error-too_many_passkeys = Sie haben 10 Passkeys, so viele, wie ein Konto haben kann. Entfernen Sie zuerst einen.
error-passkeys_unavailable = Passkeys sind auf diesem Server nicht verfügbar.

## email.passkey_added

email-passkey_added-subject = Ihrem Konto wurde ein Passkey hinzugefügt
email-passkey_added-body =
    Ihrem { $product }-Konto wurde soeben ein Passkey hinzugefügt. Er meldet ohne Passwort an.

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-passkey_added-action = Anmeldesicherheit prüfen

## email.passkey_removed

email-passkey_removed-subject = Ein Passkey wurde von Ihrem Konto entfernt
email-passkey_removed-body =
    Von Ihrem { $product }-Konto wurde soeben ein Passkey entfernt.

    Wenn Sie das nicht waren, ändern Sie Ihr Passwort und wenden Sie sich sofort an den Support.
email-passkey_removed-action = Anmeldesicherheit prüfen
