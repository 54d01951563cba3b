import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Makes the local broker's users and ACLs what dev/stack asks for, in one JVM (dev/stack runs this file with Kafka's
 * jars on the class path; a Kafka CLI call per ACL took a minute):
 *
 * <pre>java -cp 'KAFKA_LIB/*' dev/kafka/KafkaAccess.java ADMIN_PROPERTIES USERS_DIR &lt; table</pre>
 *
 * The table on stdin has one "user resource-type pattern-type name operation" line per ACL (as in a Strimzi
 * KafkaUser: topic|group, literal|prefix). Every user in it gets a SCRAM-SHA-512 credential with the password in
 * USERS_DIR/user.password, and exactly these ACLs: what a user has beyond the table is removed, so an ACL dropped
 * from k8s/base/kafka/users.yaml is dropped here too. Principals the table does not name are left alone.
 */
public class KafkaAccess {

    private static final int SCRAM_ITERATIONS = 8192;

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            config.load(r);
        }
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        Path usersDir = Path.of(args[1]);
        Set<AclBinding> wanted = new HashSet<>();
        Set<String> users = new TreeSet<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("not 'user type pattern name operation': " + line);
            }
            users.add(f[0]);
            wanted.add(binding(f[0], f[1], f[2], f[3], f[4]));
        }
        try (Admin admin = Admin.create(config)) {
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            for (String user : users) {
                String password = Files.readString(usersDir.resolve(user + ".password")).strip();
                credentials.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password));
            }
            admin.alterUserScramCredentials(credentials).all().get();

            Set<AclBinding> existing = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
            List<AclBindingFilter> extra = existing.stream()
                    .filter(b -> users.contains(user(b)) && !wanted.contains(b))
                    .map(AclBinding::toFilter).toList();
            List<AclBinding> missing = wanted.stream().filter(b -> !existing.contains(b)).toList();
            if (!extra.isEmpty()) {
                admin.deleteAcls(extra).all().get();
            }
            if (!missing.isEmpty()) {
                admin.createAcls(missing).all().get();
            }
            System.out.printf("%d Kafka user(s); ACLs: %d added, %d removed, %d in all%n",
                    users.size(), missing.size(), extra.size(), wanted.size());
        }
    }

    private static AclBinding binding(String user, String type, String pattern, String name, String operation) {
        ResourceType resource = switch (type) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            default -> throw new IllegalArgumentException("resource type " + type + " (topic or group)");
        };
        PatternType patternType = switch (pattern) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("pattern type " + pattern + " (literal or prefix)");
        };
        // Strimzi and Kafka's CLI write DescribeConfigs; the enum is DESCRIBE_CONFIGS.
        AclOperation op = AclOperation.fromString(operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        if (op == AclOperation.UNKNOWN) {
            throw new IllegalArgumentException("operation " + operation);
        }
        return new AclBinding(new ResourcePattern(resource, name, patternType),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    private static String user(AclBinding binding) {
        String principal = binding.entry().principal();
        return principal.startsWith("User:") ? principal.substring("User:".length()) : null;
    }
}
