package dev.capydb.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests that run the CLI against a fake gateway, with a project and a token in the environment. */
abstract class FakeApiTest {

    static final String P = "11111111-1111-1111-1111-111111111111";

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
