package dev.capydb.cli.commands;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** RFC 3339 times on the command line, read as the services read them: a bad one is a usage error before any call. */
public final class Times implements ITypeConverter<OffsetDateTime> {

    @Override
    public OffsetDateTime convert(String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not an RFC 3339 time (like 2026-06-09T14:30:00Z)");
        }
    }
}
