package dev.capydb.dataplane;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The data-plane hosts and regions known to this service, from configuration. */
public class HostRegistry {

    private final Map<String, DatabaseHost> hosts;

    public HostRegistry(Collection<DatabaseHost> hosts) {
        this.hosts = hosts.stream().collect(Collectors.toMap(DatabaseHost::id, h -> h, (a, b) -> a, TreeMap::new));
    }

    public Optional<DatabaseHost> find(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    public DatabaseHost host(String hostId) {
        return find(hostId)
                .orElseThrow(() -> new IllegalStateException("no data-plane host '" + hostId + "' configured"));
    }

    public List<DatabaseHost> all() {
        return List.copyOf(hosts.values());
    }

    public List<DatabaseHost> hostsIn(String region) {
        return hosts.values().stream().filter(h -> h.region().equals(region)).toList();
    }

    /** Regions in id order; a region offers PITR only when every host in it archives WAL. */
    public List<Region> regions() {
        return hosts.values().stream()
                .collect(Collectors.groupingBy(DatabaseHost::region, TreeMap::new, Collectors.toList()))
                .entrySet()
                .stream()
                .map(e -> new Region(
                        e.getKey(),
                        e.getValue().stream().allMatch(DatabaseHost::pitr),
                        e.getValue().stream().map(DatabaseHost::id).toList()))
                .toList();
    }

    public Optional<Region> region(String regionId) {
        return regions().stream().filter(r -> r.id().equals(regionId)).findFirst();
    }
}
