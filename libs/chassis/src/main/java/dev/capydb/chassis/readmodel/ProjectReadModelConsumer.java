package dev.capydb.chassis.readmodel;

import dev.capydb.chassis.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps the project read model current from {@code capydb.projects}; redeliveries are skipped by the inbox. */
@ApplicationScoped
public class ProjectReadModelConsumer {

    static final String CONSUMER = "project-read-model";

    private final Inbox inbox;
    private final ProjectReadModel readModel;

    public ProjectReadModelConsumer(Inbox inbox, ProjectReadModel readModel) {
        this.inbox = inbox;
        this.readModel = readModel;
    }

    @Incoming("projects")
    @Blocking
    public void onProjectEvent(ConsumerRecord<String, String> record) {
        // The whole record, not just its value: its headers carry the producer's trace.
        inbox.process(CONSUMER, record, readModel::apply);
    }
}
