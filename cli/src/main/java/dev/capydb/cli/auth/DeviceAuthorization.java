package dev.capydb.cli.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * RFC 8628 §3.2: what the device authorization endpoint hands out, plus the PKCE verifier this client made for it
 * (never sent to the endpoint; it goes with the token polls).
 */
public record DeviceAuthorization(
        String deviceCode,
        String userCode,
        String verificationUri,
        String verificationUriComplete,
        Long expiresIn,
        Long interval,
        @JsonIgnore String codeVerifier) {}
