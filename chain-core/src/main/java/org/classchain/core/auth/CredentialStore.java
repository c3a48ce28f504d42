package org.classchain.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.classchain.Role;
import org.classchain.core.store.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts hosted at this peer: username to role, salt, iterations and verifier, kept in
 * {@value #FILE_NAME} in the data dir with owner-only permissions (where the file system has
 * them). Every change rewrites the file atomically: a temporary file, fsync, rename.
 *
 * <p>Thread-safe. One store per data dir and process: two processes writing the same file
 * would lose each other's changes.
 */
public final class CredentialStore {

    /** File name of the store in a data dir. */
    public static final String FILE_NAME = "credentials.json";

    private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final int FORMAT_VERSION = 1;

    private final Path dir;
    private final Path file;
    private final PasswordPolicy policy;
    private final SecureRandom random;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, StoredCredential> accounts = new TreeMap<>(); // guarded by this

    private CredentialStore(Path dir, PasswordPolicy policy, SecureRandom random) {
        this.dir = dir;
        this.file = dir == null ? null : dir.resolve(FILE_NAME);
        this.policy = policy;
        this.random = random;
    }

    /** The store in {@code dataDir} with the production {@link PasswordPolicy#DEFAULT}; empty if there is no file yet. */
    public static CredentialStore open(Path dataDir) throws IOException {
        return open(dataDir, PasswordPolicy.DEFAULT, new SecureRandom());
    }

    /**
     * The store in {@code dataDir}, creating new credentials under {@code policy}.
     *
     * @throws IOException if the file cannot be read or is damaged
     */
    public static CredentialStore open(Path dataDir, PasswordPolicy policy, SecureRandom random) throws IOException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(random, "random");
        CredentialStore store = new CredentialStore(dataDir, policy, random);
        store.load();
        return store;
    }

    /** A store kept in memory only, for a peer without a data dir (simulations and tests). */
    public static CredentialStore inMemory(PasswordPolicy policy, SecureRandom random) {
        return new CredentialStore(null, Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(random, "random"));
    }

    /** The policy new credentials are created under. */
    public PasswordPolicy policy() {
        return policy;
    }

    /**
     * Creates and stores the credential of a new account hosted here. Runs PBKDF2 once.
     *
     * @throws IllegalArgumentException if the username is taken or invalid, or the password empty
     * @throws IOException if the file cannot be written (nothing is changed then)
     */
    public StoredCredential create(String username, String password, Role role) throws IOException {
        if (find(username).isPresent()) {
            throw new IllegalArgumentException("an account named " + username + " already exists here");
        }
        StoredCredential credential = Verifiers.create(username, password, role, policy, random);
        synchronized (this) {
            if (accounts.containsKey(username)) {
                throw new IllegalArgumentException("an account named " + username + " already exists here");
            }
            store(credential);
        }
        LOG.info("created the {} account {}", role, username);
        return credential;
    }

    /**
     * Stores a credential made elsewhere (a backup replicated from the account's first host),
     * replacing any credential of the same username.
     *
     * @throws IOException if the file cannot be written (nothing is changed then)
     */
    public synchronized void put(StoredCredential credential) throws IOException {
        Objects.requireNonNull(credential, "credential");
        store(credential);
    }

    /**
     * Forgets the credential of {@code username} (an account the chain no longer has this peer
     * host); nothing if there is none.
     *
     * @throws IOException if the file cannot be written (nothing is changed then)
     */
    public synchronized void remove(String username) throws IOException {
        StoredCredential previous = accounts.remove(username);
        if (previous == null || file == null) {
            return;
        }
        try {
            write();
        } catch (IOException | RuntimeException e) {
            accounts.put(username, previous);
            throw e;
        }
    }

    /** The credential of {@code username}, if this peer hosts it. */
    public synchronized Optional<StoredCredential> find(String username) {
        return Optional.ofNullable(accounts.get(username));
    }

    /** The usernames hosted here, sorted. */
    public synchronized SortedSet<String> usernames() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(accounts.keySet()));
    }

    private void store(StoredCredential credential) throws IOException {
        StoredCredential previous = accounts.put(credential.username(), credential);
        if (file == null) {
            return;
        }
        try {
            write();
        } catch (IOException | RuntimeException e) {
            if (previous == null) {
                accounts.remove(credential.username());
            } else {
                accounts.put(previous.username(), previous);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ file

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        tightenPermissions();
        JsonNode root;
        try {
            root = mapper.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is damaged: " + e.getOriginalMessage(), e);
        }
        try {
            if (root == null || !root.isObject() || root.path("version").asInt() != FORMAT_VERSION
                    || !root.path("accounts").isArray()) {
                throw new IllegalArgumentException("not a version " + FORMAT_VERSION + " credential file");
            }
            for (JsonNode a : root.get("accounts")) {
                StoredCredential c = new StoredCredential(text(a, "username"), Role.valueOf(text(a, "role")),
                        HEX.parseHex(text(a, "salt")), iterations(a), HEX.parseHex(text(a, "verifier")));
                if (accounts.putIfAbsent(c.username(), c) != null) {
                    throw new IllegalArgumentException("account " + c.username() + " appears twice");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return n.textValue();
    }

    private static int iterations(JsonNode node) {
        JsonNode n = node.get("iterations");
        if (n == null || !n.isInt()) {
            throw new IllegalArgumentException("field 'iterations' is missing or not a 32-bit whole number");
        }
        return n.intValue();
    }

    private void tightenPermissions() {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("{} was readable by others ({}); making it owner-only", file,
                        PosixFilePermissions.toString(perms));
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot check the permissions of {}: {}", file, e.toString());
        }
    }

    private void write() throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", FORMAT_VERSION);
        ArrayNode list = root.putArray("accounts");
        for (StoredCredential c : accounts.values()) {
            ObjectNode a = list.addObject();
            a.put("username", c.username());
            a.put("role", c.role().name());
            a.put("salt", HEX.formatHex(c.salt()));
            a.put("iterations", c.iterations());
            a.put("verifier", HEX.formatHex(c.verifier()));
        }
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);

        AtomicFile.replace(file, bytes, true);
    }

    @Override
    public String toString() {
        return "CredentialStore[" + file + "]";
    }
}
