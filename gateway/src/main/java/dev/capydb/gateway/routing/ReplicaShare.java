package dev.capydb.gateway.routing;

/**
 * One gateway replica's part of a cluster-wide rate limit. Replicas share no store, so each counts only the calls it
 * sees; with calls spread evenly over {@code replicas}, a share of {@code 1/replicas} adds up to the configured limit.
 */
public record ReplicaShare(double requestsPerSecond, int burst) {

    /**
     * @param maxWeight the heaviest call's weight: the burst is never split below it, so such a call can still pass
     *                  on one replica without waiting for a completely full bucket
     */
    public static ReplicaShare of(double clusterRequestsPerSecond, int clusterBurst, int replicas, int maxWeight) {
        if (replicas < 1) {
            throw new IllegalArgumentException(
                    "capydb.gateway.rate-limit.replicas must be at least 1, got " + replicas);
        }
        int burst = (int) Math.ceil((double) clusterBurst / replicas);
        return new ReplicaShare(clusterRequestsPerSecond / replicas, Math.max(burst, maxWeight));
    }
}
