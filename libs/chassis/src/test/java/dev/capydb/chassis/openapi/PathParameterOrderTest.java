package dev.capydb.chassis.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.junit.jupiter.api.Test;

/** A generated client takes a nested resource's ids in the order its path names them. */
class PathParameterOrderTest {

    @Test
    void pathParametersComeFirstInPathOrderAndTheRestKeepTheirs() {
        Operation op = OASFactory.createOperation()
                .parameters(List.of(
                        parameter("backupId", Parameter.In.PATH),
                        parameter("cursor", Parameter.In.QUERY),
                        parameter("Idempotency-Key", Parameter.In.HEADER),
                        parameter("projectId", Parameter.In.PATH),
                        parameter("limit", Parameter.In.QUERY)));

        ContractFilter.pathParametersInPathOrder("/v1/projects/{projectId}/backups/{backupId}", op);

        assertEquals(
                List.of("projectId", "backupId", "cursor", "Idempotency-Key", "limit"),
                op.getParameters().stream().map(Parameter::getName).toList());
    }

    private static Parameter parameter(String name, Parameter.In in) {
        return OASFactory.createParameter().name(name).in(in);
    }
}
