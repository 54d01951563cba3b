package dev.capydb.chassis.persistence;

import jakarta.persistence.AttributeConverter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Stores an enum as its wire name (the constant in lower case, {@code new_preview}), the text its column held while
 * it was a string; a service's enum subclasses it once so its entities can name it in {@code @Convert}.
 */
public abstract class WireEnumColumn<E extends Enum<E>> implements AttributeConverter<E, String> {

    private final Class<E> type;

    protected WireEnumColumn(Class<E> type) {
        this.type = type;
    }

    /** The wire name of {@code value}: its constant in lower case. */
    public static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} whose wire name is {@code wire}; empty for anything else. */
    public static <E extends Enum<E>> Optional<E> fromWire(Class<E> type, String wire) {
        return Arrays.stream(type.getEnumConstants())
                .filter(v -> wire(v).equals(wire))
                .findFirst();
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : wire(value);
    }

    @Override
    public E convertToEntityAttribute(String column) {
        return column == null ? null : Enum.valueOf(type, column.toUpperCase(Locale.ROOT));
    }
}
