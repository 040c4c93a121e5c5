# Romanian (română): the Romanian catalog. It has exactly the same messages
# as en.ftl, the fallback catalog.
# { $name } placeholders are filled in by the code; numbers select the plural
# forms one, few and other („un minut”, „2 minute”, „20 de minute”).

## nav

nav-sign_in = Autentificare
nav-log_out = Deconectare
nav-my_profile = Profilul meu
nav-my_company = Compania mea

## link

link-forgot_password = Ați uitat parola?
link-sign_up = Creați un cont
link-start_again = Începeți din nou
link-send_new_code = Trimiteți-mi un cod nou

## button

button-sign_in = Autentificare
button-join = Alăturați-vă organizației { $organization }
button-create_organization = Creați organizația
button-upload_logo = Încărcați logoul
button-delete_logo = Eliminați logoul
button-create_branch = Creați filiala
button-accept_agreement = Acceptați în numele organizației
button-verify_domain = Verificați acum înregistrarea DNS
button-claim_domain = Adăugați domeniul
button-delete_sso = Dezactivați autentificarea prin companie
button-delete_organization = Ștergeți această organizație și toate filialele ei
button-leave_organization = Părăsiți această organizație
button-make_admin = Numiți administrator
button-make_member = Numiți membru
button-remove_member = Eliminați
button-resend_invitation = Retrimiteți
button-revoke_invitation = Revocați
button-invite = Trimiteți invitația
button-company_sign_in = Autentificare prin compania mea
button-create_account = Creați contul
button-resend_verification = Retrimiteți e-mailul de verificare
button-verify_email = Verificați adresa de e-mail
button-get_code = Obțineți codul
button-next = Înainte
button-set_password = Setați parola nouă
button-save = Salvați
button-change_password = Schimbați parola
button-change_email = Schimbați adresa de e-mail
button-subscribe = Abonați-vă la noutăți și oferte
button-unsubscribe = Dezabonați-vă de la e-mailurile de marketing
button-end_session = Încheiați această sesiune
button-log_out = Deconectare
button-log_out_everywhere = Deconectare de pe toate dispozitivele
button-delete_account = Ștergeți-mi contul
button-confirm_email = Confirmați noua adresă de e-mail
button-allow = Permiteți accesul aplicației { $app }
button-deny = Refuzați
button-continue = Continuați
button-remove_app = Eliminați accesul aplicației { $app }
button-continue_with = Continuați cu { $provider }
button-link_provider = Adăugați { $provider }
button-unlink = Eliminați { $provider }
button-link_account = Asociați { $provider } și autentificați-vă
button-send_link_code = Trimiteți-mi un cod prin e-mail
button-prove_password = Confirmați cu parola
button-prove_code = Confirmați cu codul
button-cancel = Anulați

## field

field-email = Adresă de e-mail
field-locale = Limba
field-company_email = Adresă de e-mail de serviciu
field-password = Parolă
field-password_confirm = Confirmați parola
field-given_name = Prenume
field-family_name = Nume
field-birthdate = Data nașterii
field-marketing_opt_in = Da, doresc să primesc prin e-mail cele mai recente noutăți, actualizări și oferte.
field-code = Codul din e-mail
field-current_password = Parola actuală
field-new_password = Parola nouă
field-new_password_confirm = Confirmați parola nouă
field-new_email = Adresa de e-mail nouă
field-name = Nume
field-logo = Fișierul cu logoul
field-domain = Domeniul de e-mail (de exemplu, example.com)
field-issuer = URL-ul emitentului (issuer) al serviciului dumneavoastră de autentificare
field-client_id = ID client (Client ID)
field-client_secret = Secret client (lăsați gol pentru a păstra valoarea salvată)
field-require_sso = Toate persoanele cu o adresă din domeniile noastre verificate trebuie să se autentifice prin acest serviciu

## bot_check

bot_check-working = Verificăm că nu sunteți un robot… durează câteva secunde.
bot_check-done = Gata: nu sunteți un robot.
bot_check-needs_javascript = Verificarea anti-robot necesită JavaScript. Vă rugăm să activați JavaScript pentru acest site și să reîncărcați pagina.

## notice.company

notice-company-joined = Bun venit! Acum faceți parte din organizație.
notice-company-created = Organizația a fost creată. Sunteți administratorul acesteia.
notice-company-renamed = Numele a fost salvat.
notice-company-branch_created = Filiala a fost creată.
notice-company-deleted = Organizația a fost ștearsă.
notice-company-logo_saved = Logoul a fost salvat.
notice-company-logo_deleted = Logoul a fost eliminat.
notice-company-domain_claimed = Domeniul a fost adăugat. Publicați înregistrarea TXT afișată, apoi verificați-o.
notice-company-domain_verified = Domeniul este verificat.
notice-company-sso_saved = Autentificarea prin companie a fost salvată.
notice-company-sso_deleted = Autentificarea prin companie este dezactivată.
notice-company-agreement_accepted = Acordul a fost acceptat în numele organizației.
notice-company-invited = Invitația a fost trimisă.
notice-company-resent = Invitația a fost retrimisă; linkul anterior nu mai funcționează.
notice-company-revoked = Invitația a fost revocată.
notice-company-role_changed = Rolul a fost schimbat.
notice-company-removed = Membrul a fost eliminat.
notice-company-left = Ați părăsit organizația.

## notice

notice-verified = Adresa dumneavoastră de e-mail este verificată. Acum vă puteți autentifica.
notice-password_reset = Parola a fost resetată. Autentificați-vă cu noua parolă.
notice-signed_out = V-ați deconectat.
notice-email_changed = Adresa de e-mail a fost schimbată. De acum înainte, autentificați-vă cu noua adresă.
notice-confirm_email_sign_in = Pentru a confirma noua adresă de e-mail, autentificați-vă în contul care a solicitat schimbarea.
notice-profile_saved = Profilul a fost salvat.
notice-password_changed = Parola a fost schimbată. Celelalte sesiuni ale dumneavoastră au fost încheiate.
notice-email_change_sent = Am trimis un link de confirmare la noua adresă. Nu se schimbă nimic până nu accesați linkul.
notice-marketing_on = Abonarea la e-mailurile de marketing este activă.
notice-marketing_off = Nu veți mai primi e-mailuri de marketing.
notice-session_ended = Sesiunea a fost încheiată.
notice-sessions_ended = Toate sesiunile dumneavoastră au fost încheiate.
notice-language_saved = Limba a fost salvată. De acum paginile și e-mailurile sunt în această limbă.
notice-app_removed = Aplicația nu mai are acces. Data viitoare vă va cere din nou permisiunea.
notice-identity_linked = Metoda de autentificare a fost adăugată.
notice-identity_unlinked = Metoda de autentificare a fost eliminată.
notice-sign_in_to_link = Pentru siguranța dumneavoastră, autentificați-vă din nou înainte de a adăuga o metodă de autentificare.
notice-link_code_sent = Dacă acest cont poate primi e-mailuri, un cod este pe drum. Codul este valabil un sfert de oră.

## page.error

page-error-title = A apărut o problemă

## page.login

page-login-title = Autentificare
page-login-no_account = Nu aveți încă un cont?
page-login-company_title = Vă autentificați prin compania dumneavoastră?

## page.federation

page-federation-or = sau
page-federation-complete_title = Finalizați-vă contul
page-federation-complete_intro = V-ați autentificat cu { $provider } ca { $email }. Mai lipsesc câteva detalii până când contul dumneavoastră va fi gata.
page-federation-unverified_note = Vom trimite un link la { $email } pentru a verifica adresa.
page-federation-link_title = Asociați-vă contul
page-federation-link_intro = Există deja un cont cu adresa { $email }. Pentru a vă autentifica în el cu { $provider }, dovediți că vă aparține.
page-federation-link_no_password = Acest cont nu are parolă. În schimb, vă putem trimite un cod prin e-mail la { $email }.
page-federation-link_code_intro = Sau primiți un cod prin e-mail:
page-federation-confirm_title = Asociați { $provider }?
page-federation-confirm_intro = De acum înainte vă puteți autentifica în contul { $email } cu { $provider }.

## page.signup

page-signup-title = Creați-vă contul
page-signup-have_account = Aveți deja un cont?
page-signup-password_rule =
    Parola trebuie să aibă între { $min } și { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    } și să conțină cel puțin trei dintre următoarele: litere mari, litere mici, cifre și simboluri. Evitați cuvintele uzuale și adresa dumneavoastră de e-mail.

## page.check_email

page-check_email-title = Verificați-vă e-mailul
page-check_email-body = Am trimis un mesaj la { $email }. Accesați linkul din mesaj pentru a vă activa contul.
page-check_email-spam = Nu ați primit nimic? Verificați dosarul de spam sau autentificați-vă pentru a solicita din nou e-mailul.

## page.resend

page-resend-body = Dacă { $email } aparține unui cont care încă trebuie verificat, am trimis un link nou la această adresă.

## page.verify_email

page-verify_email-title = Verificați adresa de e-mail
page-verify_email-resend_intro = Introduceți adresa de e-mail și vă vom trimite un link nou.
page-verify_email-other_browser = Acest link a fost deschis în alt browser decât cel în care v-ați înregistrat. Pentru a activa contul, introduceți parola pe care ați ales-o la înregistrare. Dacă nu v-ați înregistrat dumneavoastră, ignorați e-mailul: fără parolă nu se întâmplă nimic.

## page.forgot

page-forgot-title = Resetați parola
page-forgot-intro = Introduceți adresa de e-mail a contului. Vă vom trimite un cod prin e-mail.

## page.forgot_code

page-forgot_code-title = Introduceți codul
page-forgot_code-intro = Dacă { $email } aparține unui cont, am trimis un cod la această adresă. Copiați codul din e-mail și lipiți-l aici.

## page.forgot_new

page-forgot_new-title = Alegeți o parolă nouă

## page.account

page-account-title = Profilul meu
page-account-signed_in_as = V-ați autentificat ca { $email }
page-account-profile = Date personale
page-account-password = Parolă
page-account-email = Adresa de e-mail principală
page-account-email_hint = Vom trimite un link de confirmare la noua adresă. Adresa se schimbă doar după ce accesați linkul.
page-account-marketing = E-mailuri de marketing
page-account-marketing_on = Primiți prin e-mail noutăți, actualizări și oferte.
page-account-marketing_off = Nu primiți e-mailuri de marketing.
page-account-language = Limba
page-account-language_hint = Limba acestor pagini și a e-mailurilor pe care vi le trimitem.
page-account-sessions = Unde v-ați autentificat
page-account-apps = Aplicații cărora le-ați permis accesul
page-account-no_apps = Nu ați permis niciunei aplicații să vă folosească contul.
page-account-this_session = (acest dispozitiv)
page-account-delete = Ștergerea contului
page-account-delete_hint = Această acțiune vă șterge contul și vă deconectează de pe toate dispozitivele. Nu poate fi anulată.
page-account-identities = Metode de autentificare
page-account-no_password = Contul dumneavoastră nu are încă o parolă: vă autentificați printr-un furnizor asociat. Pentru a schimba adresa de e-mail sau pentru a șterge contul, este necesară o parolă.
page-account-set_password = Setați o parolă
page-account-no_identities = Vă autentificați doar cu adresa de e-mail și parola.
page-account-identity_line = { $provider } ({ $email }), asociat pe { $linked }, folosit ultima dată pe { $used }
page-account-link_another = Adăugați o metodă de autentificare:

## page.deleted

page-deleted-title = Cont șters
page-deleted-body = Contul dumneavoastră a fost șters.

## page.email_confirm

page-email_confirm-title = Confirmați noua adresă de e-mail

## page.logout

page-logout-title = Deconectare

## page.unsubscribe

page-unsubscribe-title = Dezabonare
page-unsubscribe-intro = Doriți să nu mai primiți e-mailuri de marketing de la noi? Veți primi în continuare mesajele despre contul dumneavoastră.
page-unsubscribe-done = V-ați dezabonat de la e-mailurile de marketing.

## page.invitation

page-invitation-title = Alăturați-vă organizației { $organization }
page-invitation-logo = Logoul organizației { $organization }
page-invitation-intro = { $inviter } vă invită să vă alăturați organizației { $organization } ca { $role }.
page-invitation-role_admin = administrator
page-invitation-role_member = membru
page-invitation-other_account = Această invitație a fost trimisă la { $invited }, dar v-ați autentificat cu { $current }.
page-invitation-switch = Autentificați-vă cu { $invited }
page-invitation-have_account = Aveți deja un cont?
page-invitation-sign_in = Autentificați-vă cu { $invited } pentru a accepta
page-invitation-new_here = Prima dată aici? Creați-vă contul
page-invitation-address = Contul dumneavoastră va folosi adresa { $invited }, confirmată prin această invitație.

## page.company

page-company-list_title = Compania mea
page-company-none = Nu faceți parte încă din nicio organizație.
page-company-create = Creați o organizație
page-company-role_admin = Administrator
page-company-role_member = Membru
page-company-your_role = Rolul dumneavoastră: { $role }
page-company-parent = Organizația-mamă
page-company-colleagues_link = Colegii mei
page-company-logo = Logo
page-company-no_logo = Nu există încă un logo.
page-company-logo_rule = PNG, JPEG sau WebP, cel mult 1 MiB și 1024×1024 pixeli.
page-company-details = Detalii
page-company-branches = Filiale
page-company-no_branches = Nicio filială.
page-company-agreements = Acorduri
page-company-no_agreements = Niciun acord de acceptat.
page-company-read = Citiți
page-company-accepted_by = acceptat de { $email } pe { $date }
page-company-awaits_admin = așteaptă acceptarea de către un administrator
page-company-domains = Domenii de e-mail
page-company-no_domains = Niciun domeniu.
page-company-domain_inherited = verificat pentru o organizație-mamă
page-company-domain_verified = verificat
page-company-domain_challenge = neverificat încă: publicați o înregistrare TXT { $record } cu valoarea { $value }
page-company-sso = Autentificare prin companie (SSO)
page-company-sso_on = Persoanele se autentifică prin { $issuer }.
page-company-sso_required = Autentificarea cu parolă este dezactivată pentru adresele din domeniile verificate.
page-company-sso_off = Autentificarea prin companie nu este configurată.
page-company-sso_redirect = URI-ul de redirecționare pe care trebuie să-l înregistrați la furnizorul dumneavoastră:
page-company-sso_presets = Entra ID: https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0 · Okta: https://YOUR-ORG.okta.com (sau https://YOUR-ORG.okta.com/oauth2/default). După salvare, înregistrați la furnizorul dumneavoastră URI-ul de redirecționare afișat.
page-company-events = Modificări recente
page-company-when = Când
page-company-who = Cine
page-company-what = Ce
page-company-delete = Ștergere

## page.colleagues

page-colleagues-title = Colegii mei din { $organization }
page-colleagues-members = Membri
page-colleagues-name = Nume
page-colleagues-role = Rol
page-colleagues-actions = Acțiuni
page-colleagues-invitations = Invitații
page-colleagues-state = Stare
page-colleagues-state_pending = în așteptare
page-colleagues-state_accepted = acceptată
page-colleagues-state_revoked = revocată
page-colleagues-state_expired = expirată
page-colleagues-invite = Invitați un coleg

## page.consent

page-consent-title = Permiteți aplicației { $app } să vă folosească contul?
page-consent-intro = { $app } solicită să vă folosească contul { $email } pentru următoarele:
page-consent-policy = Politica de confidențialitate
page-consent-terms = Termeni și condiții

## error

error-invalid_input = Unele câmpuri necesită atenția dumneavoastră.
error-invalid_credentials = Adresa de e-mail sau parola este greșită.
error-email_not_verified = Vă rugăm să vă verificați mai întâi adresa de e-mail: accesați linkul din e-mailul pe care vi l-am trimis. Aveți nevoie de unul nou?
error-too_many_attempts =
    Prea multe încercări nereușite. Încercați din nou peste { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    }.
error-invalid_or_expired_link = Acest link nu este valid, a fost deja folosit sau a expirat.
error-invalid_or_expired_code = Codul este greșit sau a expirat. Verificați e-mailul sau solicitați un cod nou.
error-bot_check_failed = Verificarea anti-robot nu a reușit sau a expirat. Vă rugăm să încercați din nou.
error-email_unavailable = Această adresă de e-mail nu poate fi folosită pentru acest cont.
error-not_found = Elementul căutat nu a fost găsit.
error-account_disabled = Acest cont a fost dezactivat. Contactați administratorul acestui site.
error-already_verified = Această adresă de e-mail este deja verificată.
error-own_account = Nu vă puteți dezactiva sau șterge propriul cont de aici. Cereți ajutorul altui administrator sau folosiți comanda idp pe server.
error-locale_unsupported = Alegeți o limbă oferită de acest site.
error-last_admin = Sunteți ultimul administrator al organizației { $organization }. Mai întâi numiți pe altcineva administrator sau ștergeți organizația.
error-no_company_sign_in = Pentru această adresă nu este configurată autentificarea prin companie. Autentificați-vă cu parola, mai sus.
error-sso_required = { $organization } își autentifică persoanele prin propriul serviciu de autentificare. Folosiți „Continuați cu { $organization }” de mai jos.
error-temporarily_unavailable = Serviciul este temporar indisponibil. Vă rugăm să încercați din nou în câteva momente.
error-busy = Serverul este ocupat. Încercați din nou în câteva secunde.
error-unauthenticated = Mai întâi autentificați-vă.
error-cookies_disabled = Browserul dumneavoastră refuză cookie-urile. Autentificarea necesită cookie-uri: vă rugăm să permiteți cookie-urile pentru acest site, apoi să reîncărcați pagina și să încercați din nou.
error-csrf = Acest formular a expirat sau a fost trimis de pe alt site. Vă rugăm să reîncărcați pagina și să încercați din nou.
error-bad_form = Formularul nu a putut fi citit: lipsește un câmp sau un câmp nu conține text valid. Vă rugăm să reîncărcați pagina și să încercați din nou.
error-form_too_large = Formularul este prea mare. Vă rugăm să scurtați textul introdus și să încercați din nou.
error-email_required = Introduceți adresa de e-mail.
error-email_too_long = Această adresă de e-mail este prea lungă.
error-email_invalid = Introduceți o adresă de e-mail de forma nume@example.com.
error-email_same = Aceasta este deja adresa dumneavoastră de e-mail.
error-email_taken = Există deja un cont cu această adresă de e-mail.
error-name_required = Introduceți un nume.
error-name_too_long =
    Folosiți cel mult { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    }.
error-name_invalid_characters = Numele nu pot conține < > " sau caractere de control.
error-birthdate_required = Introduceți data nașterii.
error-birthdate_invalid = Introduceți o dată de forma 1990-12-31.
error-birthdate_in_future = Data nașterii nu poate fi în viitor.
error-birthdate_too_old = Verificați anul din data nașterii.
error-password_too_short =
    Folosiți cel puțin { $min ->
        [one] un caracter
        [few] { $min } caractere
       *[other] { $min } de caractere
    }.
error-password_too_long =
    Folosiți cel mult { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    }.
error-password_control_characters = Parola conține caractere care nu pot fi tastate.
error-password_too_few_kinds = Folosiți cel puțin trei dintre următoarele: litere mari, litere mici, cifre și simboluri.
error-password_contains_email = Nu folosiți adresa de e-mail în parolă.
error-password_guessable = Această parolă este prea ușor de ghicit. Adăugați mai multe cuvinte sau caractere și evitați numele, datele și cuvintele uzuale.
error-password_mismatch = Parolele nu coincid.
error-current_password_wrong = Parola actuală este greșită.
error-verification_password_needed = Introduceți parola pe care ați ales-o la înregistrare.
error-verification_password_wrong = Aceasta nu este parola aleasă la această înregistrare.

## error.federation

error-federation-wrong_issuer = Acest link de autentificare nu provine de la furnizorul pe care îl indică. Începeți din nou de pe pagina de autentificare.
error-federation-unknown_provider = Această metodă de autentificare nu există aici.
error-federation-disabled = Autentificarea cu { $provider } este dezactivată. Autentificați-vă în alt mod.
error-federation-state = Această autentificare a expirat, a fost deja folosită sau a fost începută în alt browser. Începeți din nou de pe pagina de autentificare.
error-federation-cancelled = Autentificarea a fost anulată. Puteți începe din nou sau vă puteți autentifica în alt mod.
error-federation-unreachable = Furnizorul nu a putut fi contactat în acest moment. Încercați din nou peste câteva minute sau autentificați-vă în alt mod.
error-federation-refused = Furnizorul nu a finalizat autentificarea. Începeți din nou de pe pagina de autentificare.
error-federation-invalid_token = Răspunsul furnizorului nu a fost de încredere, așa că autentificarea nu a avut loc. Începeți din nou de pe pagina de autentificare.
error-federation-tenant = Conturile organizației dumneavoastră nu se pot autentifica aici.
error-federation-no_email = Furnizorul nu a transmis o adresă de e-mail, iar un cont de aici are nevoie de una. Permiteți acest lucru la furnizor sau înregistrați-vă cu adresa de e-mail.
error-federation-account_gone = Contul căruia îi aparținea această autentificare nu mai există.
error-federation-address_awaits_verification = Un cont cu această adresă de e-mail așteaptă verificarea adresei. Accesați linkul pe care vi l-am trimis prin e-mail sau înregistrați-vă din nou.
error-federation-address_taken = Acum există un cont cu această adresă de e-mail. Începeți din nou de pe pagina de autentificare pentru a-l asocia.
error-federation-linked_elsewhere = Această metodă de autentificare aparține deja altui cont.
error-federation-not_signed_in = Mai întâi autentificați-vă în contul pe care doriți să-l asociați.
error-federation-pending = Acest pas a expirat sau aparține altui browser. Începeți din nou de pe pagina de autentificare.
error-federation-not_proven = Mai întâi dovediți că acest cont vă aparține.
error-federation-last_way_in = Aceasta este singura metodă de autentificare în contul dumneavoastră, așa că nu poate fi eliminată. Mai întâi setați o parolă („Ați uitat parola?”).
error-federation-no_such_identity = Această metodă de autentificare nu este asociată contului dumneavoastră.

## error.organization

error-organization-not_found = Această organizație nu există sau nu faceți parte din ea.
error-organization-admin_only = Doar un administrator al acestei organizații poate face acest lucru.
error-organization-last_admin = Sunteți ultimul administrator al acestei companii. Mai întâi numiți pe altcineva administrator.
error-organization-invitation_invalid = Acest link de invitație nu mai funcționează: a fost folosit, revocat sau înlocuit de unul mai nou. Solicitați o invitație nouă.
error-organization-invitation_expired = Această invitație a expirat. Rugați persoana care v-a invitat să o trimită din nou.
error-organization-invitation_for_someone_else = Această invitație a fost trimisă la altă adresă de e-mail.
error-organization-email_not_verified = Mai întâi verificați-vă adresa de e-mail.
error-organization-already_member = Această persoană face deja parte din organizație.
error-organization-too_many_invitations = În ultima oră au fost trimise prea multe invitații. Încercați din nou mai târziu.
error-organization-already_accepted = Această versiune a fost deja acceptată.
error-organization-domain_taken = Acest domeniu aparține altei organizații.
error-organization-domain_not_proven = Înregistrarea DNS nu a fost găsită încă. Modificările DNS pot dura o vreme; încercați din nou mai târziu.
error-organization-sso_unreachable = Serviciul de autentificare nu poate fi folosit
error-organization-invalid_logo = Logoul trebuie să fie o imagine PNG, JPEG sau WebP de cel mult 1 MiB și 1024×1024 pixeli.
error-organization-account_exists = Există deja un cont cu această adresă. Autentificați-vă pentru a accepta invitația.
error-organization-invalid_input = Unele date introduse nu sunt valide.
error-organization-temporarily_unavailable = Serviciul este temporar indisponibil.

## email

email-footer = Ați primit acest mesaj ca urmare a unei acțiuni în contul dumneavoastră { $product }.
email-unsubscribe = Dezabonare de la e-mailurile de marketing

## email.verify

email-verify-subject = Activați-vă contul
email-verify-body =
    Bună ziua, { $given_name },

    Vă rugăm să vă confirmați adresa de e-mail pentru a vă activa contul. Linkul este valabil { $hours ->
        [one] o oră
        [few] { $hours } ore
       *[other] { $hours } de ore
    }.

    Dacă nu v-ați înregistrat dumneavoastră, ignorați acest mesaj.
email-verify-action = Verificați adresa de e-mail

## email.already_registered

email-already_registered-subject = Cineva a încercat să se înregistreze cu adresa dumneavoastră
email-already_registered-body =
    Cineva, posibil chiar dumneavoastră, a încercat să creeze un cont cu această adresă de e-mail, care are deja un cont.

    Dacă ați fost dumneavoastră, autentificați-vă cu parola sau, dacă ați uitat-o, resetați-o de aici. Dacă nu ați fost dumneavoastră, puteți ignora acest mesaj.
email-already_registered-action = Resetați parola

## email.reset_code

email-reset_code-subject = Codul pentru resetarea parolei
email-reset_code-body =
    Folosiți acest cod pentru a vă reseta parola. Codul este valabil { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    } și poate fi folosit o singură dată.

    Dacă nu l-ați solicitat, ignorați acest mesaj: parola dumneavoastră rămâne aceeași.

## email.password_changed

email-password_changed-subject = Parola dumneavoastră a fost schimbată
email-password_changed-body =
    Parola contului dumneavoastră tocmai a fost schimbată, iar celelalte sesiuni au fost încheiate.

    Dacă nu ați fost dumneavoastră, resetați-vă parola acum.
email-password_changed-action = Resetați parola

## email.password_reset

email-password_reset-subject = Parola dumneavoastră a fost resetată
email-password_reset-body =
    Parola contului dumneavoastră tocmai a fost resetată, iar toate sesiunile au fost încheiate.

    Dacă nu ați fost dumneavoastră, resetați-vă din nou parola acum.
email-password_reset-action = Resetați parola

## email.email_change_confirm

email-email_change_confirm-subject = Confirmați noua adresă de e-mail
email-email_change_confirm-body =
    Cineva a solicitat mutarea contului { $old_email } la această adresă. Accesați linkul pentru a confirma. Până atunci nu se schimbă nimic.

    Dacă nu ați solicitat acest lucru, ignorați acest mesaj.
email-email_change_confirm-action = Confirmați această adresă

## email.email_change_notice

email-email_change_notice-subject = Adresa dumneavoastră de e-mail urmează să se schimbe
email-email_change_notice-body =
    Cineva a solicitat schimbarea adresei de e-mail a contului dumneavoastră în { $new_email }. Adresa se schimbă doar după ce este accesat linkul trimis la acea adresă.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola acum.

## email.email_changed

email-email_changed-subject = Adresa dumneavoastră de e-mail a fost schimbată
email-email_changed-body =
    Adresa de e-mail a contului dumneavoastră este acum { $new_email }. Această adresă nu mai poate fi folosită pentru autentificare.

    Dacă nu ați fost dumneavoastră, contactați imediat echipa de asistență.

## email.address_in_use

email-address_in_use-subject = Cineva a încercat să folosească adresa dumneavoastră
email-address_in_use-body =
    Cineva a încercat să mute alt cont la această adresă de e-mail. Această adresă are deja un cont, așa că nu s-a schimbat nimic.

    Nu trebuie să faceți nimic.

## email.welcome

email-welcome-subject = Bun venit la { $product }
email-welcome-body =
    Bună ziua, { $given_name },

    Contul dumneavoastră este activ. Îl puteți folosi pentru a vă autentifica oriunde este acceptat și îl puteți gestiona în Profilul meu.
email-welcome-action = Deschideți Profilul meu

## email.account_deleted

email-account_deleted-subject = Contul dumneavoastră a fost șters
email-account_deleted-body = Contul dumneavoastră și datele asociate au fost șterse. Vă mulțumim că ați fost alături de noi.

## email.identity_linked

email-identity_linked-subject = O metodă de autentificare a fost adăugată în contul dumneavoastră
email-identity_linked-body =
    Acum vă puteți autentifica în contul dumneavoastră cu { $provider }.

    Dacă nu ați fost dumneavoastră, eliminați această metodă din Profilul meu și schimbați-vă parola.
email-identity_linked-action = Deschideți Profilul meu

## email.identity_unlinked

email-identity_unlinked-subject = O metodă de autentificare a fost eliminată din contul dumneavoastră
email-identity_unlinked-body =
    Autentificarea cu { $provider } nu vă mai deschide contul.

    Dacă nu ați fost dumneavoastră, autentificați-vă și verificați Profilul meu.
email-identity_unlinked-action = Deschideți Profilul meu

## email.link_code

email-link_code-subject = Codul pentru asocierea { $provider }
email-link_code-body =
    Cineva, probabil dumneavoastră, dorește să se autentifice în contul dumneavoastră cu { $provider }. Introduceți acest cod pentru a confirma că sunteți dumneavoastră. Codul este valabil { $minutes ->
        [one] un minut
        [few] { $minutes } minute
       *[other] { $minutes } de minute
    }.

    Dacă nu ați fost dumneavoastră, ignorați acest mesaj: nu se schimbă nimic.

## email.invitation

email-invitation-subject = { $inviter } vă invită în { $organization }
email-invitation-body =
    { $inviter } vă invită să vă alăturați organizației { $organization }. Accesați linkul pentru a accepta: dacă aveți deja un cont, autentificați-vă; dacă nu, îl puteți crea acolo. Linkul poate fi folosit o singură dată, timp de { $days ->
        [one] o zi
        [few] { $days } zile
       *[other] { $days } de zile
    }.

    Dacă nu cunoașteți { $inviter } sau { $organization }, ignorați acest mesaj: nu se întâmplă nimic.
email-invitation-action = Vedeți invitația

## scope

scope-openid = Să vă autentifice și să știe cine sunteți
scope-profile = Să vă vadă numele, data nașterii și limba
scope-email = Să vă vadă adresa de e-mail
scope-offline_access = Să rămână conectată atunci când nu o folosiți
scope-organizations = Să vadă organizațiile din care faceți parte și rolul dumneavoastră în fiecare
scope-other = Să folosească permisiunea „{ $scope }”

## language: each catalog names its language in that language

language-name = Română
language-switcher = Limbă

## layout

layout-skip = Salt la conținutul principal
layout-errors_title = Există o problemă
layout-support = Ajutor și asistență

## cookies

cookies-off-title = Cookie-urile sunt dezactivate
cookies-off-body = Autentificarea necesită cookie-uri, iar browserul dumneavoastră le refuză pentru acest site. Pentru a le permite, deschideți setările browserului, căutați „Cookie-uri” sau „Date de site”, permiteți-le pentru acest site, apoi reîncărcați această pagină.

## contact details (OpenID Connect phone and address)

field-phone_number = Număr de telefon
field-street_address = Stradă și număr
field-locality = Oraș sau localitate
field-region = Județ, stat sau regiune
field-postal_code = Cod poștal
field-country = Țară
page-account-contact = Telefon și adresă poștală
page-account-contact_hint = Opțional. Aplicațiile cărora le permiteți să le vadă le pot folosi, de exemplu pentru a completa o adresă de livrare.
page-account-phone_hint = În format internațional, de exemplu +40 721 234 567.
error-phone_invalid = Introduceți un număr de telefon în format internațional: semnul + și prefixul țării, apoi numărul, de exemplu +40 721 234 567.
error-address_too_long =
    Folosiți cel mult { $max ->
        [one] un caracter
        [few] { $max } caractere
       *[other] { $max } de caractere
    }.
error-address_invalid_characters = Folosiți doar litere, cifre și semne de punctuație obișnuite, fără < > sau ".
scope-phone = Să vă vadă numărul de telefon
scope-address = Să vă vadă adresa poștală

## dates: { $day } and { $year } are numbers, { $month } the month's name below

date-format = { $day } { $month } { $year }
date-time-format = { $date }, ora { $time } UTC
month-1 = ianuarie
month-2 = februarie
month-3 = martie
month-4 = aprilie
month-5 = mai
month-6 = iunie
month-7 = iulie
month-8 = august
month-9 = septembrie
month-10 = octombrie
month-11 = noiembrie
month-12 = decembrie

## second factors (docs/mfa.md)

field-otp = Cod
button-verify_code = Verificați
button-confirm_app = Activați
button-remove_app_factor = Eliminați aplicația de autentificare
button-new_recovery_codes = Generați coduri de recuperare noi
link-set_up_app = Configurați o aplicație de autentificare
link-manage_second_factor = Gestionați al doilea factor
link-back_to_profile = Înapoi la Profilul meu
link-back_to_security = Înapoi la securitatea autentificării
link-sign_in_again = Autentificați-vă din nou
link-other_account = Autentificați-vă cu alt cont
notice-security-app_added = Aplicația de autentificare este activă. La autentificare vi se va cere un cod.
notice-security-app_removed = Aplicația de autentificare a fost eliminată.
page-account-second_factor = Al doilea factor
page-account-second_factor_on = O aplicație de autentificare vă protejează contul.
page-account-second_factor_off = Contul este protejat doar de parolă. Adăugați o aplicație de autentificare pentru mai multă siguranță.
page-second_factor-title = Introduceți codul
page-second_factor-hint = Cele șase cifre afișate acum de aplicația de autentificare sau unul dintre codurile de recuperare.
page-second_factor-lost = Ați pierdut telefonul și codurile de recuperare? Contactați asistența: vă pot elimina al doilea factor după ce se asigură că sunteți dumneavoastră.
page-security-title = Securitatea autentificării
page-security-required = Contul dumneavoastră trebuie să folosească un al doilea factor.
page-security-app = Aplicație de autentificare
page-security-app_on = Activă din { $since }.
page-security-app_off = Neconfigurată. Cu o aplicație precum un manager de parole sau un autentificator pe telefon, autentificarea cere și un cod care se schimbă la fiecare 30 de secunde.
page-security-recovery = Coduri de recuperare
page-security-recovery_left =
    { $count ->
        [0] Nu mai aveți coduri de recuperare. Generați altele noi.
        [one] Mai aveți un cod de recuperare.
        [few] Mai aveți { $count } coduri de recuperare.
       *[other] Mai aveți { $count } de coduri de recuperare.
    }
page-security-recovery_none = Codurile de recuperare vin odată cu aplicația de autentificare.
page-security-setup_title = Configurați o aplicație de autentificare
page-security-setup_scan = Scanați codul QR cu aplicația de autentificare.
page-security-setup_type = Sau introduceți în aplicație cheia de mai jos.
page-security-qr_label = Cod QR pentru aplicația de autentificare
page-security-secret = Cheie:
page-security-setup_hint = Cele șase cifre afișate acum de aplicație.
page-security-codes_title = Codurile dumneavoastră de recuperare
page-security-codes_once = Păstrați aceste coduri într-un loc sigur: fiecare vă autentifică o singură dată dacă pierdeți telefonul. Sunt afișate doar acum.
error-second_factor_code_wrong = Codul este greșit sau a fost deja folosit. Verificați ora telefonului sau folosiți un cod de recuperare.
error-sign_in_again = Pentru siguranța dumneavoastră, autentificați-vă din nou înainte de a schimba al doilea factor.
error-second_factor_exists = O aplicație de autentificare este deja configurată. Eliminați-o mai întâi pentru a configura alta.
error-second_factor_not_started = Configurarea a expirat. Începeți din nou.

## email.second_factor_added

email-second_factor_added-subject = Un al doilea factor a fost adăugat contului dumneavoastră
email-second_factor_added-body =
    Tocmai a fost configurată o aplicație de autentificare pentru contul dumneavoastră { $product }. De acum, autentificarea cere un cod din ea.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-second_factor_added-action = Verificați securitatea autentificării

## email.second_factor_removed

email-second_factor_removed-subject = Un al doilea factor a fost eliminat din contul dumneavoastră
email-second_factor_removed-body =
    Aplicația de autentificare a contului dumneavoastră { $product } tocmai a fost eliminată.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-second_factor_removed-action = Verificați securitatea autentificării

## email.recovery_codes_created

email-recovery_codes_created-subject = Au fost generate coduri de recuperare noi
email-recovery_codes_created-body =
    Tocmai au fost generate coduri de recuperare noi pentru contul dumneavoastră { $product }. Cele vechi nu mai funcționează.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-recovery_codes_created-action = Verificați securitatea autentificării

## email.recovery_code_used

email-recovery_code_used-subject = A fost folosit un cod de recuperare
email-recovery_code_used-body =
    Cineva s-a autentificat în contul dumneavoastră { $product } cu un cod de recuperare. { $left ->
        [0] Nu mai aveți coduri: generați altele noi.
        [one] Mai aveți un cod.
        [few] Mai aveți { $left } coduri.
       *[other] Mai aveți { $left } de coduri.
    }

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-recovery_code_used-action = Verificați securitatea autentificării

## email.second_factors_reset

email-second_factors_reset-subject = Al doilea factor a fost eliminat
email-second_factors_reset-body =
    La cererea dumneavoastră, asistența a eliminat aplicația de autentificare și codurile de recuperare ale contului dumneavoastră { $product } și v-a deconectat de pe toate dispozitivele. Autentificați-vă cu parola și configurați un nou al doilea factor.

    Dacă nu ați cerut acest lucru, contactați imediat asistența.
email-second_factors_reset-action = Autentificare

## second factors: My Company

button-require_second_factor = Cereți un al doilea factor
button-allow_single_factor = Nu mai cereți un al doilea factor
notice-company-second_factor_required = De la următoarea autentificare, membrii se autentifică cu un al doilea factor.
notice-company-second_factor_optional = Al doilea factor nu mai este obligatoriu.
page-company-second_factor = Al doilea factor
page-company-second_factor_on = Membrii acestei organizații și ai filialelor ei se autentifică cu un al doilea factor. Cei care nu au unul configurează o aplicație de autentificare la următoarea autentificare.
page-company-second_factor_off = Membrii se pot autentifica doar cu parola.

## passkeys

field-passkey_name = Numele acestei chei de acces (de exemplu „Laptopul de serviciu”)
button-add_passkey = Adăugați o cheie de acces
button-use_passkey = Folosiți o cheie de acces
button-sign_in_passkey = Autentificați-vă cu o cheie de acces
button-remove_passkey = Eliminați { $name }
notice-security-passkey_added = Cheia de acces a fost adăugată. Vă puteți autentifica cu ea.
notice-security-passkey_removed = Cheia de acces a fost eliminată.
page-security-passkeys = Chei de acces
page-security-passkeys_hint = O cheie de acces vă autentifică prin blocarea ecranului dispozitivului sau printr-o cheie de securitate, fără parolă sau cod.
page-security-no_passkeys = Nu aveți încă nicio cheie de acces.
page-security-passkey_line = { $name }, adăugată pe { $added }
page-passkeys-cancelled = Nu s-a întâmplat nimic: cererea cheii de acces a fost anulată sau a expirat.
page-passkeys-unsupported = Acest browser nu poate folosi chei de acces.
error-passkey_expired = Cererea cheii de acces a expirat. Încercați din nou.
error-passkey_failed = Cheia de acces nu a putut fi verificată. Încercați din nou sau autentificați-vă altfel.
error-passkey_name_invalid = Dați cheii de acces un nume de 1 până la 64 de caractere.
error-too_many_passkeys = Aveți 10 chei de acces, cât poate avea cel mult un cont. Eliminați mai întâi una.
error-passkeys_unavailable = Cheile de acces nu sunt disponibile pe acest server.

## email.passkey_added

email-passkey_added-subject = O cheie de acces a fost adăugată contului dumneavoastră
email-passkey_added-body =
    Tocmai a fost adăugată o cheie de acces contului dumneavoastră { $product }. Ea autentifică fără parolă.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-passkey_added-action = Verificați securitatea autentificării

## email.passkey_removed

email-passkey_removed-subject = O cheie de acces a fost eliminată din contul dumneavoastră
email-passkey_removed-body =
    Tocmai a fost eliminată o cheie de acces din contul dumneavoastră { $product }.

    Dacă nu ați fost dumneavoastră, schimbați-vă parola și contactați imediat asistența.
email-passkey_removed-action = Verificați securitatea autentificării
