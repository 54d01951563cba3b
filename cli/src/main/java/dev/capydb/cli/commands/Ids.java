package dev.capydb.cli.commands;

import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The API's ids are UUIDs: a malformed one on the command line is a usage error, caught before any call. */
public final class Ids implements ITypeConverter<UUID> {

    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Strictly the 8-4-4-4-12 shape: {@link UUID#fromString} also takes {@code 1-2-3-4-5}. */
    static boolean isUuid(String s) {
        return s != null && UUID_SHAPE.matcher(s).matches();
    }

    @Override
    public UUID convert(String value) {
        if (!isUuid(value)) {
            throw new TypeConversionException("'" + value + "' is not an id (a UUID)");
        }
        return UUID.fromString(value);
    }
}
