using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Upstream's MariaDB schema: each table exactly as MariaDB shows it (<c>SHOW CREATE TABLE</c>) after upstream's
    /// server has created it with SQLAlchemy 1.4 (read from upstream's own server, ../shared/upstream, on 2026-12-05),
    /// parents first. A database made here is the database upstream's server makes, and one upstream's server made is
    /// served as it is. (Upstream's own databases list a table's plain KEYs in varying orders: SQLAlchemy creates them
    /// from a Python set.)
    /// </summary>
    public static class MariaDbSchema
    {
        /// <summary>The tables in creation order (parents first), each with its <c>CREATE TABLE</c> text.</summary>
        public static IReadOnlyList<(string Name, string Create)> Tables { get; } = new[]
        {
            Table("users",
                "CREATE TABLE `users` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `username` varchar(32) NOT NULL,\n" +
                "  `email` varchar(64) DEFAULT NULL,\n" +
                "  `password_hash` varchar(128) NOT NULL,\n" +
                "  `is_admin` tinyint(1) DEFAULT NULL,\n" +
                "  `can_write` tinyint(1) DEFAULT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `username` (`username`),\n" +
                "  KEY `ix_users_username` (`username`),\n" +
                "  KEY `ix_users_email` (`email`)\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("projects",
                "CREATE TABLE `projects` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `name` varchar(32) NOT NULL,\n" +
                "  `description` varchar(20) DEFAULT NULL,\n" +
                "  `notes` varchar(2048) DEFAULT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  KEY `ix_projects_name` (`name`),\n" +
                "  KEY `ix_projects_description` (`description`),\n" +
                "  KEY `ix_projects_notes` (`notes`(768))\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("project_permissions",
                "CREATE TABLE `project_permissions` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `parent_project_id` int(11) NOT NULL,\n" +
                "  `parent_user_id` int(11) NOT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `level` smallint(6) NOT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `parent_user_id` (`parent_user_id`,`parent_project_id`),\n" +
                "  KEY `parent_project_id` (`parent_project_id`),\n" +
                "  CONSTRAINT `project_permissions_ibfk_1` FOREIGN KEY (`parent_project_id`) REFERENCES `projects` (`id`) ON DELETE CASCADE,\n" +
                "  CONSTRAINT `project_permissions_ibfk_2` FOREIGN KEY (`parent_user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("images",
                "CREATE TABLE `images` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `device` varchar(8) NOT NULL,\n" +
                "  `datetime` datetime NOT NULL,\n" +
                "  `md5` varchar(32) NOT NULL,\n" +
                "  `device_version` varchar(8) DEFAULT NULL,\n" +
                "  `width` smallint(6) NOT NULL,\n" +
                "  `height` smallint(6) NOT NULL,\n" +
                "  `lat` decimal(9,6) DEFAULT NULL,\n" +
                "  `lng` decimal(9,6) DEFAULT NULL,\n" +
                "  `alt` smallint(6) DEFAULT NULL,\n" +
                "  `temp` float DEFAULT NULL,\n" +
                "  `hum` float DEFAULT NULL,\n" +
                "  `lum` float DEFAULT NULL,\n" +
                "  `bat` smallint(6) DEFAULT NULL,\n" +
                "  `but` tinyint(1) DEFAULT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `image_id` (`device`,`datetime`),\n" +
                "  KEY `image_uid` (`device`,`datetime`)\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("uid_annotations",
                "CREATE TABLE `uid_annotations` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `parent_image_id` int(11) NOT NULL,\n" +
                "  `algo_name` varchar(64) NOT NULL,\n" +
                "  `algo_version` varchar(46) NOT NULL,\n" +
                "  `n_objects` int(11) NOT NULL,\n" +
                "  `json` longtext /*M!100301 COMPRESSED*/ DEFAULT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `annotation_id` (`parent_image_id`,`algo_name`,`algo_version`),\n" +
                "  CONSTRAINT `uid_annotations_ibfk_1` FOREIGN KEY (`parent_image_id`) REFERENCES `images` (`id`) ON DELETE CASCADE\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("uid_intents",
                "CREATE TABLE `uid_intents` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `parent_image_id` int(11) NOT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  KEY `parent_image_id` (`parent_image_id`),\n" +
                "  CONSTRAINT `uid_intents_ibfk_1` FOREIGN KEY (`parent_image_id`) REFERENCES `images` (`id`) ON DELETE CASCADE\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("tuboid_series",
                "CREATE TABLE `tuboid_series` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `device` varchar(8) NOT NULL,\n" +
                "  `start_datetime` datetime NOT NULL,\n" +
                "  `end_datetime` datetime NOT NULL,\n" +
                "  `n_images` int(11) NOT NULL,\n" +
                "  `n_tuboids` int(11) NOT NULL,\n" +
                "  `algo_name` varchar(64) NOT NULL,\n" +
                "  `algo_version` varchar(46) NOT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `tiled_series_id` (`device`,`start_datetime`,`end_datetime`,`algo_name`,`algo_version`)\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("tiled_tuboids",
                "CREATE TABLE `tiled_tuboids` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `parent_series_id` int(11) NOT NULL,\n" +
                "  `tuboid_id` varchar(100) NOT NULL,\n" +
                "  `id_in_series` int(11) NOT NULL,\n" +
                "  `start_datetime` datetime NOT NULL,\n" +
                "  `end_datetime` datetime NOT NULL,\n" +
                "  `n_shots` int(11) NOT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `tuboid_id` (`tuboid_id`),\n" +
                "  KEY `parent_series_id` (`parent_series_id`),\n" +
                "  CONSTRAINT `tiled_tuboids_ibfk_1` FOREIGN KEY (`parent_series_id`) REFERENCES `tuboid_series` (`id`) ON DELETE CASCADE\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
            Table("itc_labels",
                "CREATE TABLE `itc_labels` (\n" +
                "  `datetime_created` datetime NOT NULL,\n" +
                "  `api_version` varchar(8) DEFAULT NULL,\n" +
                "  `api_user_id` int(11) DEFAULT NULL,\n" +
                "  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
                "  `parent_tuboid_id` int(11) NOT NULL,\n" +
                "  `algo_name` varchar(32) NOT NULL,\n" +
                "  `algo_version` varchar(46) NOT NULL,\n" +
                "  `label` int(11) NOT NULL,\n" +
                "  `pattern` varchar(128) NOT NULL,\n" +
                "  `type` varchar(32) NOT NULL,\n" +
                "  `order` varchar(32) DEFAULT NULL,\n" +
                "  `family` varchar(32) DEFAULT NULL,\n" +
                "  `genus` varchar(32) DEFAULT NULL,\n" +
                "  `species` varchar(32) DEFAULT NULL,\n" +
                "  PRIMARY KEY (`id`),\n" +
                "  UNIQUE KEY `label_id` (`parent_tuboid_id`,`algo_name`,`algo_version`),\n" +
                "  CONSTRAINT `itc_labels_ibfk_1` FOREIGN KEY (`parent_tuboid_id`) REFERENCES `tiled_tuboids` (`id`) ON DELETE CASCADE\n" +
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
        };

        /// <summary>The columns of each table, in order, read from its <c>CREATE TABLE</c> text.</summary>
        public static IReadOnlyDictionary<string, IReadOnlyList<string>> Columns { get; } =
            Tables.ToDictionary(t => t.Name, t => (IReadOnlyList<string>)Regex.Matches(t.Create, "^  `([^`]+)` ", RegexOptions.Multiline)
                .Cast<Match>().Select(m => m.Groups[1].Value).ToList());

        private static (string, string) Table(string name, string create) => (name, create);
    }
}
