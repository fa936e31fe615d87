package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterTableTest {

  @Test
  void rendersEveryMemberLikePatronictlListWithLagInWholeMegabytes() {
    String json = "{\"members\": ["
        + "{\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"running\", \"host\": \"10.0.0.1\", \"port\": 5432, \"timeline\": 3},"
        + "{\"name\": \"pg2\", \"role\": \"replica\", \"state\": \"streaming\", \"host\": \"10.0.0.2\", \"port\": 5432,"
        + " \"timeline\": 3, \"lag\": 5767168},"
        + "{\"name\": \"pg3-long-name\", \"role\": \"sync_standby\", \"state\": \"starting\", \"lag\": \"unknown\"}]}";

    String table = ClusterTable.render(PatroniJson.clusterView(json));

    assertThat(table).isEqualTo("""
        +---------------+---------------+--------------+-----------+----+-----------+
        | Member        | Host          | Role         | State     | TL | Lag in MB |
        +---------------+---------------+--------------+-----------+----+-----------+
        | pg1           | 10.0.0.1:5432 | leader       | running   | 3  |           |
        | pg2           | 10.0.0.2:5432 | replica      | streaming | 3  | 5         |
        | pg3-long-name |               | sync_standby | starting  |    | unknown   |
        +---------------+---------------+--------------+-----------+----+-----------+
        """);
  }

  @Test
  void aClusterWithoutMembersIsTheHeaderAlone() {
    assertThat(ClusterTable.render(PatroniJson.clusterView("{\"members\": []}"))).isEqualTo("""
        +--------+------+------+-------+----+-----------+
        | Member | Host | Role | State | TL | Lag in MB |
        +--------+------+------+-------+----+-----------+
        +--------+------+------+-------+----+-----------+
        """);
  }
}
