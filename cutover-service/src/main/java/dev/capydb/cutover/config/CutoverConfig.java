package dev.capydb.cutover.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of cutover-service: the input limits the product page states. */
@ConfigMapping(prefix = "capydb.cutovers")
public interface CutoverConfig {

    /** Longest {@code customer_note}. */
    @WithDefault("1000")
    int customerNoteMaxChars();

    /** Longest {@code external_ticket_ref}. */
    @WithDefault("120")
    int ticketRefMaxChars();

    /** Longest operator {@code reason} (reject, mark failed). */
    @WithDefault("1000")
    int reasonMaxChars();
}
