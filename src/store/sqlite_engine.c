/*
 * sqlite_engine.c: the SQLite engine's table (engine.h), the one thing of it
 * store.c reaches through the plugin. It stands apart from the files it
 * points into, so that they use sqlite.c's helpers without a loop
 * between the files.
 */
#include "sqlite.h"

const struct store_engine store_sqlite_engine = {
    .name = "sqlite",
    .where = sq_where,
    .close = sq_close,
    .destroy = sq_destroy,
    .user_create = sq_user_create,
    .user_find = sq_user_find,
    .user_set_secret = sq_user_set_secret,
    .session_add = sq_session_add,
    .session_get = sq_session_get,
    .session_revoke = sq_session_revoke,
    .fail_reserve = sq_fail_reserve,
    .fail_count = sq_fail_count,
    .fail_clear = sq_fail_clear,
    .conv_create = sq_conv_create,
    .conv_list = sq_conv_list,
    .conv_get = sq_conv_get,
    .conv_set = sq_conv_set,
    .conv_delete = sq_conv_delete,
    .conv_fork_mark = sq_conv_fork_mark,
    .msg_append = sq_msg_append,
    .msg_update = sq_msg_update,
    .msg_feedback = sq_msg_feedback,
    .msg_image_set = sq_msg_image_set,
    .msg_page = sq_msg_page,
    .usage_add = sq_usage_add,
    .usage_count = sq_usage_count,
};
