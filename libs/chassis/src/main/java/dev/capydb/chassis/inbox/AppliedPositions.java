package dev.capydb.chassis.inbox;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * How far each inbox consumer has applied each partition ({@code inbox_position}), advanced in the handler's own
 * transaction: once the handler's changes are visible, so is the position past its event. Kafka's committed offsets
 * say the same, but only after the next commit, which comes between polls.
 */
@ApplicationScoped
public class AppliedPositions {

    private final AgroalDataSource dataSource;

    public AppliedPositions(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** In the caller's transaction: the consumer has applied these records (and everything before them). */
    void advance(String consumer, Iterable<ConsumerRecord<String, String>> records) {
        Map<String, Long> next = nextOffsets(records);
        if (next.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement st =
                        c.prepareStatement("INSERT INTO inbox_position (consumer, topic, kafka_partition,"
                                + " next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE"
                                + " SET next_offset = greatest(inbox_position.next_offset, excluded.next_offset)")) {
            for (Map.Entry<String, Long> e : next.entrySet()) {
                String[] tp = e.getKey().split("\0");
                st.setString(1, consumer);
                st.setString(2, tp[0]);
                st.setInt(3, Integer.parseInt(tp[1]));
                st.setLong(4, e.getValue());
                st.addBatch();
            }
            st.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record how far " + consumer + " has applied", e);
        }
    }

    /**
     * "topic\0partition" to the offset after the last of {@code records} in it; sorted, so two writers lock the rows
     * in the same order and never deadlock.
     */
    static Map<String, Long> nextOffsets(Iterable<ConsumerRecord<String, String>> records) {
        Map<String, Long> next = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            next.merge(r.topic() + '\0' + r.partition(), r.offset() + 1, Math::max);
        }
        return next;
    }

    /** The offset after the last record {@code consumer} applied in the partition, or -1 if it applied none there. */
    public long nextOffset(String consumer, String topic, int partition) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT next_offset FROM inbox_position"
                        + " WHERE consumer = ? AND topic = ? AND kafka_partition = ?")) {
            st.setString(1, consumer);
            st.setString(2, topic);
            st.setInt(3, partition);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read how far " + consumer + " has applied", e);
        }
    }
}
