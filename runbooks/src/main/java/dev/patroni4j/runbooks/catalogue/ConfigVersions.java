package dev.patroni4j.runbooks.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsConfig;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.StepRefusedException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Versions of the dynamic configuration for optimistic concurrency: the DCS key's version when a DCS client is
 * configured (a true compare-and-set), else a digest of the configuration document as {@code GET /config} returns it.
 */
final class ConfigVersions {
  private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ConfigVersions() {}

  record Versioned(DynamicConfig config, String version) {}

  static Versioned read(Env env) {
    DcsClient dcs = env.dcs;
    if (dcs != null) {
      DcsConfig c = dcs.snapshot(env.ref).config();
      if (c == null) {
        return new Versioned(DynamicConfig.of(Map.of()), "dcs:0");
      }
      return new Versioned(c.config(), "dcs:" + c.version());
    }
    DynamicConfig c = env.client.config();
    return new Versioned(c, "sha256:" + digest(c.values()));
  }

  /** Writes {@code patch} merged into the configuration of {@code version}, only if it is still that version. */
  static void casWrite(Env env, DcsClient dcs, Map<String, Object> patch, String version) {
    DcsConfig c = dcs.snapshot(env.ref).config();
    long expected = Long.parseLong(version.substring("dcs:".length()));
    Map<String, Object> merged = merge(c == null ? Map.of() : c.config().values(), patch);
    CasResult r = dcs.setConfig(env.ref, DynamicConfig.of(merged), expected);
    if (r instanceof CasResult.Conflict conflict) {
      throw new StepRefusedException("the configuration changed concurrently (version " + expected + " -> "
          + conflict.currentVersion() + "); plan again", Facts.of(Keys.VERSION, "dcs:" + conflict.currentVersion()));
    }
  }

  /** JSON merge patch (RFC 7396): maps merge, {@code null} removes, anything else replaces. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    patch.forEach((k, v) -> {
      if (v == null) {
        out.remove(k);
      } else if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> current) {
        out.put(k, merge((Map<String, Object>) current, (Map<String, Object>) m));
      } else {
        out.put(k, v);
      }
    });
    return out;
  }

  private static String digest(Map<String, Object> values) {
    try {
      byte[] json = CANONICAL.writeValueAsBytes(values);
      byte[] d = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest the configuration", e);
    }
  }
}
