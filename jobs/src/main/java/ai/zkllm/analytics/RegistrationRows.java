package ai.zkllm.analytics;

import ai.zkllm.registry.RegistrationDecision;
import java.math.BigDecimal;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/** A registry decision as a row of the {@code registrations} table, in Flink's internal row format for the Iceberg sink. */
public class RegistrationRows implements MapFunction<RegistrationDecision, RowData> {

    public static TypeInformation<RowData> typeInfo() {
        return InternalTypeInfo.of(FlinkSchemaUtil.convert(NetworkTables.REGISTRATIONS_SCHEMA));
    }

    @Override
    public RowData map(RegistrationDecision d) {
        return GenericRowData.of(
                d.brain,
                d.role == null ? null : StringData.fromString(d.role),
                d.id,
                d.hotkey == null ? null : StringData.fromString(d.hotkey),
                d.stake == null ? null : DecimalData.fromBigDecimal(new BigDecimal(d.stake), 38, 0),
                TimestampData.fromEpochMillis(d.registeredAtMillis),
                StringData.fromString(d.status),
                d.reason == null ? null : StringData.fromString(d.reason));
    }
}
