package dev.conflux.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = StoreConfig.PID, name = "Conflux store",
        description = "The database that Conflux capabilities keep their state in.")
@interface StoreConfig {

    String PID = "dev.conflux.store";
    String DEFAULT_DATA_SOURCE = "(dataSourceName=conflux)";

    @AttributeDefinition(name = "Data source",
            description = "OSGi filter that selects the javax.sql.DataSource service Conflux uses. "
                    + "The default is the one made from etc/org.ops4j.datasource-conflux.cfg.")
    String dataSource_target() default DEFAULT_DATA_SOURCE;

    @AttributeDefinition(name = "Health check time limit",
            description = "Seconds a database health check may wait for a valid connection before it reports DOWN.",
            min = "1", max = "60")
    int healthTimeoutSeconds() default 2;
}
