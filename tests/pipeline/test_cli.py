from scoring.cli import main


def test_train_on_a_missing_directory_is_a_clear_error(tmp_path, capsys):
    code = main(["train", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "a")])
    assert code == 2
    output = capsys.readouterr().out
    assert "application_train" in output or "nowhere" in output
    assert "Traceback" not in output


def test_card_prints_the_model_card(trained_artifact, capsys):
    assert main(["card", str(trained_artifact)]) == 0
    output = capsys.readouterr().out
    assert "AUC" in output and "Seuil" in output


def test_card_without_model_says_how_to_build_one(tmp_path, capsys):
    assert main(["card", str(tmp_path)]) == 2
    assert "credit-scoring demo" in capsys.readouterr().out


def test_bad_arguments_are_refused(tmp_path, capsys):
    assert main(["train", "--data-dir", str(tmp_path), "--folds", "1"]) == 2
    assert "--folds" in capsys.readouterr().out


def test_generate_writes_the_kaggle_files_and_the_truth(tmp_path, capsys):
    out = tmp_path / "generated"
    assert main(["generate", "--out", str(out), "--n-clients", "500", "--seed", "3"]) == 0
    names = {path.name for path in out.glob("*.csv")}
    assert {"application_train.csv", "application_test.csv", "bureau.csv", "bureau_balance.csv",
            "previous_application.csv", "POS_CASH_balance.csv", "installments_payments.csv",
            "credit_card_balance.csv", "truth.csv"} <= names
    assert "500" in capsys.readouterr().out


def test_generate_refuses_a_tiny_population(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path), "--n-clients", "10"]) == 2
    assert "--n-clients" in capsys.readouterr().out


def test_train_on_a_file_with_a_bad_value_names_the_file_and_column(samples_dir, tmp_path, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(samples_dir, data)
    path = data / "bureau.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("DAYS_CREDIT")] = "yesterday"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["train", "--data-dir", str(data), "--out", str(tmp_path / "artifacts")])
    output = capsys.readouterr().out
    assert code == 2
    assert "bureau.csv" in output and "DAYS_CREDIT" in output
    assert "Traceback" not in output
