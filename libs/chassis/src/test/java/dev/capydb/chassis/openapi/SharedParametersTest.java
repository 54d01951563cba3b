package dev.capydb.chassis.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.junit.jupiter.api.Test;

/** Paging and idempotency parameters carry their meaning and the limits the server enforces, on every operation. */
class SharedParametersTest {

    @Test
    void pagingAndIdempotencyAreDescribedWithTheirLimits() {
        Parameter limit = parameter("limit", Parameter.In.QUERY, SchemaType.INTEGER);
        Parameter cursor = parameter("cursor", Parameter.In.QUERY, SchemaType.STRING);
        Parameter key = parameter("Idempotency-Key", Parameter.In.HEADER, SchemaType.STRING);
        Operation op = OASFactory.createOperation().parameters(List.of(limit, cursor, key));

        ContractFilter.describeSharedParameters(op);

        assertEquals(BigDecimal.ONE, limit.getSchema().getMinimum());
        assertEquals(BigDecimal.valueOf(100), limit.getSchema().getMaximum());
        assertEquals(20, limit.getSchema().getDefaultValue());
        assertTrue(cursor.getDescription().contains("next_cursor"));
        assertEquals(200, key.getSchema().getMaxLength());
        assertTrue(key.getDescription().contains("same key"));
    }

    private static Parameter parameter(String name, Parameter.In in, SchemaType type) {
        return OASFactory.createParameter()
                .name(name)
                .in(in)
                .schema(OASFactory.createSchema().addType(type));
    }
}
