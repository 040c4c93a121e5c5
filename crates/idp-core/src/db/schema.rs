// Written to match migrations/{postgres,sqlite}; both backends share it.

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        email_verified -> Bool,
        password_hash -> Nullable<Text>,
        given_name -> Text,
        family_name -> Text,
        birthdate -> Nullable<Date>,
        marketing_opt_in -> Bool,
        is_admin -> Bool,
        locale -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_contacts (account_id) {
        account_id -> Text,
        phone_number -> Nullable<Text>,
        street_address -> Nullable<Text>,
        locality -> Nullable<Text>,
        region -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        country -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        token_hash -> Text,
        account_id -> Text,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Text,
        ip_address -> Text,
        amr -> Text,
        awaiting_second_factor -> Bool,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        token_hash -> Text,
        purpose -> Text,
        account_id -> Text,
        new_email -> Nullable<Text>,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_start -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bot_check_used (challenge_hash) {
        challenge_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(account_contacts -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(one_time_tokens -> accounts (account_id));

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        alg -> Text,
        private_key -> Text,
        public_jwk -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        publish_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clients (client_id) {
        client_id -> Text,
        secret_hash -> Nullable<Text>,
        registration_token_hash -> Nullable<Text>,
        name -> Text,
        metadata -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        account_id -> Text,
        session_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        issued_jti -> Nullable<Text>,
        issued_family -> Nullable<Text>,
        amr -> Text,
    }
}

diesel::table! {
    consents (account_id, client_id) {
        account_id -> Text,
        client_id -> Text,
        scope -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        family_id -> Text,
        client_id -> Text,
        account_id -> Text,
        session_id -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        family_expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        access_jti -> Text,
        access_expires_at -> Timestamp,
        amr -> Text,
    }
}

diesel::table! {
    revoked_access_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(authorization_codes -> clients (client_id));
diesel::joinable!(refresh_tokens -> clients (client_id));
diesel::joinable!(consents -> clients (client_id));

diesel::table! {
    session_clients (session_id, client_id) {
        session_id -> Text,
        client_id -> Text,
        account_id -> Text,
    }
}

diesel::table! {
    used_client_assertions (jti_hash) {
        jti_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    pairwise_subjects (sector, subject) {
        sector -> Text,
        subject -> Text,
        account_id -> Text,
    }
}

diesel::table! {
    authorization_requests (id_hash) {
        id_hash -> Text,
        browser_hash -> Text,
        params -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        account_id -> Nullable<Text>,
    }
}

diesel::table! {
    pending_signups (id) {
        id -> Text,
        token_hash -> Text,
        email -> Text,
        browser_hash -> Text,
        password_hash -> Text,
        given_name -> Text,
        family_name -> Text,
        birthdate -> Date,
        marketing_opt_in -> Bool,
        locale -> Text,
        return_to -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        account_id -> Nullable<Text>,
        body -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claim -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    federation_providers (id) {
        id -> Text,
        kind -> Text,
        display_name -> Text,
        client_id -> Text,
        client_secret -> Text,
        issuer -> Nullable<Text>,
        authorization_endpoint -> Nullable<Text>,
        token_endpoint -> Nullable<Text>,
        graph_url -> Nullable<Text>,
        scopes -> Text,
        trust_email -> Bool,
        sync_mode -> Text,
        enabled -> Bool,
        tenants -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    federated_identities (id) {
        id -> Text,
        account_id -> Text,
        provider_id -> Text,
        subject -> Text,
        email -> Text,
        linked_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    federation_logins (state_hash) {
        state_hash -> Text,
        browser_hash -> Text,
        provider_id -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        return_to -> Text,
        link_account_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    federation_pending (ref_hash) {
        ref_hash -> Text,
        browser_hash -> Text,
        provider_id -> Text,
        subject -> Text,
        email -> Text,
        email_verified -> Bool,
        given_name -> Text,
        family_name -> Text,
        birthdate -> Nullable<Date>,
        return_to -> Text,
        account_id -> Nullable<Text>,
        code_hash -> Nullable<Text>,
        code_attempts -> Integer,
        proven -> Bool,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        parent_id -> Nullable<Text>,
        path -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        require_second_factor -> Bool,
    }
}

diesel::table! {
    organization_logos (organization_id) {
        organization_id -> Text,
        content_type -> Text,
        bytes -> Binary,
        etag -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_members (organization_id, account_id) {
        organization_id -> Text,
        account_id -> Text,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    organization_invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        invited_by -> Nullable<Text>,
        inviter_name -> Text,
        token_hash -> Text,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    agreements (id) {
        id -> Text,
        title -> Text,
        version -> Text,
        body -> Nullable<Text>,
        url -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        include_branches -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    agreement_acceptances (agreement_id, organization_id) {
        agreement_id -> Text,
        organization_id -> Text,
        account_id -> Text,
        account_email -> Text,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    organization_domains (organization_id, domain) {
        organization_id -> Text,
        domain -> Text,
        challenge -> Text,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organization_sso (organization_id) {
        organization_id -> Text,
        provider_id -> Text,
        issuer -> Text,
        client_id -> Text,
        client_secret -> Text,
        require_sso -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_events (id) {
        id -> BigInt,
        organization_id -> Text,
        actor_id -> Nullable<Text>,
        actor_email -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        client_ip -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        event_type -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        client_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        outcome -> Text,
        detail -> Text,
    }
}

diesel::table! {
    webhook_state (endpoint_id) {
        endpoint_id -> Text,
        last_event_id -> BigInt,
        delivered -> BigInt,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_status -> Nullable<Integer>,
        last_delivered_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(federated_identities -> accounts (account_id));
diesel::joinable!(organization_members -> accounts (account_id));
diesel::joinable!(organization_members -> organizations (organization_id));

diesel::table! {
    totp_factors (account_id) {
        account_id -> Text,
        secret -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(totp_factors -> accounts (account_id));
diesel::joinable!(recovery_codes -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    totp_factors,
    recovery_codes,
    server_secrets,
    audit_events,
    webhook_state,
    accounts,
    account_contacts,
    sessions,
    one_time_tokens,
    login_throttle,
    bot_check_used,
    signing_keys,
    clients,
    authorization_codes,
    consents,
    refresh_tokens,
    revoked_access_tokens,
    session_clients,
    used_client_assertions,
    pairwise_subjects,
    authorization_requests,
    pending_signups,
    email_outbox,
    federation_providers,
    federated_identities,
    federation_logins,
    federation_pending,
    organizations,
    organization_logos,
    organization_members,
    organization_invitations,
    agreements,
    agreement_acceptances,
    organization_domains,
    organization_sso,
    organization_events,
);

diesel::table! {
    passkeys (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        credential_id -> Text,
        credential -> Text,
        discoverable -> Bool,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webauthn_ceremonies (id) {
        id -> Text,
        account_id -> Nullable<Text>,
        kind -> Text,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(passkeys -> accounts (account_id));
diesel::joinable!(webauthn_ceremonies -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(passkeys, webauthn_ceremonies, accounts);
