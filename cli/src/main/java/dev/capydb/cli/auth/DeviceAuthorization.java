package dev.capydb.cli.auth;

/** RFC 8628 §3.2: what the device authorization endpoint hands out. */
public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
                                  String verificationUriComplete, Long expiresIn, Long interval) {
}
