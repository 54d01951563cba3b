package dev.capydb.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The columns a service's Hibernate Reactive entities map that its migrated schema lacks. Hibernate's own
 * {@code validate} cannot stand in: over the reactive client it reads PostgreSQL's {@code text} as an unknown type
 * and refuses every String column, so services check names here instead (a misspelt column fails a test, not a
 * request in production).
 */
public final class MappedColumns {

    private MappedColumns() {}

    /** "table.column" for every mapped column that {@code information_schema} does not show. */
    public static List<String> missing(Mutiny.SessionFactory sessions, DataSource dataSource) throws SQLException {
        MappingMetamodel metamodel = (MappingMetamodel) sessions.getMetamodel();
        Set<String> mapped = new TreeSet<>();
        metamodel.forEachEntityDescriptor(descriptor -> {
            AbstractEntityPersister persister = (AbstractEntityPersister) descriptor;
            String table = persister.getTableName();
            persister.forEachSelectable((i, selectable) -> {
                if (!selectable.isFormula()) {
                    mapped.add(table + "." + selectable.getSelectionExpression());
                }
            });
        });
        if (mapped.isEmpty()) {
            throw new IllegalStateException("no entity is mapped: nothing to check");
        }
        List<String> missing = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")) {
            for (String column : mapped) {
                String[] tc = column.split("\\.", 2);
                st.setString(1, tc[0]);
                st.setString(2, tc[1]);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        missing.add(column);
                    }
                }
            }
        }
        return missing;
    }
}
