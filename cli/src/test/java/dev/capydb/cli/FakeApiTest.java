package dev.capydb.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests that run the CLI against a fake gateway, with a project and a token in the environment. */
abstract class FakeApiTest {

    static final String P = "11111111-1111-1111-1111-111111111111";
    // Ids as the API makes them (the SDK types every id as a UUID); progress lines show their first eight characters.
    static final String B1 = "b1000000-0000-4000-8000-000000000001";
    static final String B2 = "b2000000-0000-4000-8000-000000000002";
    static final String R1 = "a1000000-0000-4000-8000-000000000003";
    static final String I1 = "c1000000-0000-4000-8000-000000000004";
    static final String C1 = "cc000000-0000-4000-8000-000000000005";
    static final String PV = "d1000000-0000-4000-8000-000000000006";
    static final String U1 = "e1000000-0000-4000-8000-000000000007";
    static final String RP = "f1000000-0000-4000-8000-000000000008";

    @TempDir
    Path dir;

    FakeServer api;
    Cli cli;

    @BeforeEach
    void startFakeApi() throws Exception {
        api = new FakeServer();
        cli = new Cli(dir, api.url()).project(P);
    }

    @AfterEach
    void stopFakeApi() {
        api.close();
    }
}
