//! The database schema, one for both backends (see `migrations/sqlite` and `migrations/postgres`).

diesel::table! {
    standards (id) {
        id -> BigInt,
        code -> Text,
        code_key -> Text,
        series_key -> Text,
        slug -> Text,
        kind -> Text,
        number -> Text,
        adopted_prefix -> Nullable<Text>,
        year -> Nullable<Integer>,
        issuer -> Nullable<Text>,
        issuer_code -> Nullable<Text>,
        title_vi -> Text,
        title_en -> Nullable<Text>,
        scope_vi -> Nullable<Text>,
        field -> Nullable<Text>,
        technical_committee -> Nullable<Text>,
        status -> Text,
        status_note -> Nullable<Text>,
        legal_instrument -> Nullable<Text>,
        issued_date -> Nullable<Date>,
        effective_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        international_equivalent -> Nullable<Text>,
        equivalence -> Nullable<Text>,
        access_level -> Text,
        note -> Nullable<Text>,
        source -> Nullable<Text>,
        confidence -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    standard_relations (id) {
        id -> BigInt,
        standard_id -> BigInt,
        kind -> Text,
        target_code -> Text,
        target_key -> Text,
    }
}

diesel::table! {
    ics_codes (code) {
        code -> Text,
        title_vi -> Nullable<Text>,
        title_en -> Nullable<Text>,
    }
}

diesel::table! {
    standard_ics (standard_id, ics_code) {
        standard_id -> BigInt,
        ics_code -> Text,
    }
}

diesel::table! {
    provinces (slug) {
        slug -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    change_log (seq) {
        seq -> BigInt,
        standard_id -> BigInt,
        code -> Text,
        action -> Text,
        version -> Integer,
        changed_at -> Timestamp,
        summary -> Text,
        op -> Text,
        slug -> Text,
        record -> Nullable<Text>,
        record_sha256 -> Nullable<Text>,
        chain -> Nullable<Text>,
    }
}

diesel::table! {
    feed_epochs (epoch) {
        epoch -> Text,
        first_seq -> BigInt,
        started_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Text,
        full_name -> Text,
        role -> Text,
        province -> Nullable<Text>,
        commune -> Nullable<Text>,
        unit -> Nullable<Text>,
        status -> Text,
        expires_at -> Nullable<Timestamp>,
        password_hash -> Text,
        token_version -> Integer,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
        alert_email -> Text,
        digest_sent_at -> Nullable<Timestamp>,
        alert_feed_hash -> Nullable<Text>,
    }
}

diesel::table! {
    watches (id) {
        id -> BigInt,
        user_id -> BigInt,
        target_kind -> Text,
        target -> Text,
        label -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        seq -> BigInt,
        change -> Text,
        code -> Text,
        slug -> Text,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        url -> Text,
        secret -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        seq -> BigInt,
        state -> Text,
        attempts -> Integer,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kept_dossiers (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        text -> Text,
        as_of -> Date,
        codes -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    change_cursors (name) {
        name -> Text,
        seq -> BigInt,
        leased_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_events (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        event -> Text,
        detail -> Nullable<Text>,
        province -> Nullable<Text>,
        ip -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    access_events (id) {
        id -> BigInt,
        user_id -> BigInt,
        standard_id -> BigInt,
        document_id -> Nullable<BigInt>,
        action -> Text,
        province -> Nullable<Text>,
        unit -> Nullable<Text>,
        at -> Timestamp,
        day -> Text,
        event_id -> Nullable<Text>,
        relayed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    mirror_credentials (id) {
        id -> BigInt,
        name -> Text,
        province -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        created_by -> BigInt,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    access_event_outbox (event_id) {
        event_id -> Text,
        queued_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        standard_id -> BigInt,
        sha256 -> Text,
        format -> Text,
        size_bytes -> BigInt,
        pages -> Nullable<Integer>,
        needs_ocr -> Bool,
        language -> Text,
        filename -> Nullable<Text>,
        access_level -> Text,
        uploaded_by -> Nullable<BigInt>,
        uploaded_at -> Timestamp,
        source -> Nullable<Text>,
        note -> Nullable<Text>,
        references_read -> Bool,
    }
}

diesel::table! {
    text_references (id) {
        id -> BigInt,
        standard_id -> BigInt,
        target_code -> Text,
        target_key -> Text,
        section -> Nullable<Text>,
        origin -> Text,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    standard_corrections (id) {
        id -> BigInt,
        standard_id -> BigInt,
        source -> Text,
        confidence -> Nullable<Text>,
        note -> Nullable<Text>,
        changed -> Text,
        applied_at -> Timestamp,
    }
}

diesel::table! {
    removed_standards (code_key) {
        code_key -> Text,
        code -> Text,
        slug -> Text,
        reason -> Text,
        confused_with -> Nullable<Text>,
        removed_at -> Timestamp,
    }
}

diesel::table! {
    document_sections (id) {
        id -> BigInt,
        document_id -> BigInt,
        position -> Integer,
        heading -> Text,
        body -> Text,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        bytes -> Binary,
        size_bytes -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    daily_allowances (user_id, day, kind) {
        user_id -> BigInt,
        day -> Text,
        kind -> Text,
        used -> BigInt,
    }
}

diesel::table! {
    sign_in_attempts (user_id, address) {
        user_id -> BigInt,
        address -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(documents -> standards (standard_id));
diesel::joinable!(document_sections -> documents (document_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(standard_relations -> standards (standard_id));
diesel::joinable!(standard_ics -> standards (standard_id));
diesel::joinable!(standard_corrections -> standards (standard_id));
diesel::joinable!(text_references -> standards (standard_id));
diesel::joinable!(watches -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(kept_dossiers -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::table! {
    mirror_state (id) {
        id -> Integer,
        upstream -> Text,
        epoch -> Text,
        seq -> BigInt,
        chain -> Text,
        upstream_seq -> BigInt,
        caught_up_at -> Timestamp,
        applied_at -> Timestamp,
        halted -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    standards,
    standard_corrections,
    removed_standards,
    standard_relations,
    text_references,
    watches,
    notifications,
    change_cursors,
    kept_dossiers,
    webhooks,
    webhook_deliveries,
    ics_codes,
    standard_ics,
    provinces,
    change_log,
    feed_epochs,
    users,
    refresh_tokens,
    account_events,
    access_events,
    documents,
    document_sections,
    blobs,
    daily_allowances,
    sign_in_attempts,
    mirror_state,
    mirror_credentials,
    access_event_outbox,
);

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    access_events::action,
    access_events::province,
    access_events::unit,
    access_events::day,
    standards::code,
    standards::title_vi,
    users::username,
    users::full_name,
);
