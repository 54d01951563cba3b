package dev.capydb.chassis;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A state change of the tests' own, written through Hibernate Reactive in the same transaction as its event. */
@Entity
@Table(name = "test_note")
public class TestNote extends PanacheEntityBase {

    @Id
    public UUID id;

    public String text;

    static TestNote of(String text) {
        TestNote n = new TestNote();
        n.id = UUID.randomUUID();
        n.text = text;
        return n;
    }
}
