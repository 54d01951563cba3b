package dev.capydb.dataplane;

/** An object as written: where it is, how big, and the SHA-256 of its bytes (hex). */
public record StoredObject(String bucket, String key, long sizeBytes, String sha256) {}
