package dev.capydb.chassis.consistency;

import dev.capydb.chassis.observability.RequestLogContext;
import dev.capydb.chassis.outbox.PromptPublisher;
import io.vertx.core.Context;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Before a read about a project is answered, the project's events still in this service's outbox are published. A
 * worker's transaction (a backup completing) commits its state and its event together and publishes the event an
 * instant later; a read in that instant would show {@code completed} while no other service could know it yet. With
 * this filter an answer never shows a state whose event is not in Kafka. One indexed query on the outbox's few
 * unpublished rows, after the answer was built (so that it covers whatever the answer read).
 */
@Provider
public class PublishBeforeAnswer implements ContainerResponseFilter {

    private final PromptPublisher publisher;
    /** Looked up per request: filters are created while the application starts, before runtime config exists. */
    private final Instance<ConsistencyConfig> config;

    public PublishBeforeAnswer(PromptPublisher publisher, Instance<ConsistencyConfig> config) {
        this.publisher = publisher;
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"GET".equals(request.getMethod()) || response.getStatus() >= 300 || Context.isOnEventLoopThread()) {
            return;
        }
        RequestLogContext.projectOf(request.getUriInfo().getPath())
                .ifPresent(project ->
                        publisher.publishPendingOf(project, config.get().publishTimeout()));
    }
}
