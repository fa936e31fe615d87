package dev.patroni4j.client;

import dev.patroni4j.client.internal.json.ModelParsers;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import java.util.List;
import java.util.Map;

/**
 * Reads Patroni's JSON documents into the model, for callers that hold the JSON themselves: DCS
 * values ({@code members/<name>}, {@code config}, {@code history}), saved REST responses, fixtures.
 *
 * <p>Lenient where Patroni versions differ (missing or unknown fields, unknown role and state
 * values, {@code master}/{@code primary}), strict where a value cannot be right: a malformed
 * document throws {@link PatroniParseException} with the JSON path of the problem.
 *
 * <pre>{@code
 * // given: String etcdValue; String configKeyValue;
 * Member m = PatroniJson.dcsMember("pg1", etcdValue);
 * DynamicConfig c = PatroniJson.dynamicConfig(configKeyValue);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PatroniJson {
  private PatroniJson() {}

  /** A {@code GET /cluster} document. */
  public static ClusterView clusterView(String json) {
    return ModelParsers.clusterView(json);
  }

  /** A {@code GET /patroni} document (also the body of the health checks). */
  public static MemberStatus memberStatus(String json) {
    return ModelParsers.memberStatus(json);
  }

  /**
   * A DCS member key's value. Role and state are the member's own ({@code master}/{@code primary},
   * the PostgreSQL state); host and port come from {@code conn_url}.
   */
  public static Member dcsMember(String name, String json) {
    return ModelParsers.dcsMember(name, json);
  }

  /** The dynamic configuration ({@code GET /config}, the {@code config} DCS key). */
  public static DynamicConfig dynamicConfig(String json) {
    return ModelParsers.dynamicConfig(json);
  }

  /** The timeline history ({@code GET /history}, the {@code history} DCS key). */
  public static List<HistoryEntry> history(String json) {
    return ModelParsers.history(json);
  }

  /** The failsafe topology ({@code GET /failsafe}, the {@code failsafe} DCS key): name to REST URL. */
  public static Map<String, String> failsafe(String json) {
    return ModelParsers.failsafe(json);
  }
}
