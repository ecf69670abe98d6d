package dev.cairn.json;

/** Why {@link Secrets} considers a value a secret. */
public enum SecretKind {
    /** A non-empty string under a key whose name says secret ({@code password}, {@code api_key}, ...). */
    SECRET_NAMED_KEY,
    /** A PEM private key block ({@code -----BEGIN ... PRIVATE KEY-----}). */
    PEM_PRIVATE_KEY,
    /** A JSON Web Token ({@code eyJ...}{@code .eyJ...}{@code .sig}). */
    JWT,
    /** An AWS access key id ({@code AKIA...} or {@code ASIA...}, 20 characters). */
    AWS_ACCESS_KEY_ID,
    /** A GitHub token ({@code ghp_}, {@code gho_}, {@code ghs_}, {@code ghu_}, {@code ghr_}, {@code github_pat_}). */
    GITHUB_TOKEN,
    /** A Slack token ({@code xoxb-}, {@code xoxp-}, {@code xoxa-}, ..., {@code xapp-}). */
    SLACK_TOKEN,
    /** A Slack incoming webhook URL ({@code https://hooks.slack.com/services/...}). */
    SLACK_WEBHOOK,
    /** An HTTP bearer credential ({@code Bearer <token>}). */
    BEARER_TOKEN,
    /** A URL with a password in it ({@code scheme://user:password@host}). */
    URL_CREDENTIALS
}
