package dev.capydb.chassis.crypto;

/**
 * A sealed value that does not open here: sealed for another row or column, under a key id this service does not
 * have, or altered. The message names the value's row and key id, never its contents.
 */
public class SecretUnreadableException extends IllegalStateException {

    public SecretUnreadableException(String message) {
        super(message);
    }

    public SecretUnreadableException(String message, Throwable cause) {
        super(message, cause);
    }
}
