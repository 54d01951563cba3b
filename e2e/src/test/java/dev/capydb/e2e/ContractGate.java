package dev.capydb.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts every call a test class makes through {@link Stack#api} and {@link Stack#anonymous} under the contract gate
 * ({@code @ExtendWith(ContractGate.class)}). The e2e classes run one after the other, so one switch serves.
 */
public class ContractGate implements BeforeAllCallback, AfterAllCallback {

    private static volatile boolean on;

    static boolean on() {
        return on;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        on = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        on = false;
    }
}
